using System.Globalization;
using DualWrite.Core.Relational;

namespace DualWrite.PostgreSql.Tables;

/// <summary>
/// The SQL of a <see cref="VersionedTable"/>, built from its columns and the table's shape: every identifier quoted
/// once here, every value a parameter cast to its column's type.
/// </summary>
/// <remarks>
/// Statements that carry records read them from a source relation with the store's own column names — <c>k0…</c>
/// for the key, <c>v0…</c> for the value, <c>_ord</c> (arrival order), <c>_tomb</c> and <c>_ver</c> — so that no
/// application column name can clash with a name the store needs.
/// </remarks>
internal sealed class TableSql
{
    private readonly KeyRangeSql _keyRange;

    public TableSql(string schema, string table, string tombstoneTable, IReadOnlyList<ColumnShape> keys, IReadOnlyList<ColumnShape> values, string versionColumn, KeyRangeSql keyRange)
    {
        _keyRange = keyRange;
        Live = PgNames.Qualify(schema, table);
        Tombstones = PgNames.Qualify(schema, tombstoneTable);
        Keys = [.. keys.Select(c => PgNames.Quote(c.Name))];
        Values = [.. values.Select(c => PgNames.Quote(c.Name))];
        KeyColumns = [.. keys];
        ValueColumns = [.. values];
        KeyTypes = [.. keys.Select(c => c.SqlType)];
        ValueTypes = [.. values.Select(c => c.SqlType)];
        Version = PgNames.Quote(versionColumn);
        KeyList = string.Join(", ", Keys);
        SourceKeys = string.Join(", ", Enumerable.Range(0, Keys.Length).Select(i => "k" + Num(i)));

        // Writers of one table serialize per key on advisory locks of this class; the key's hash is the second half.
        LockClass = PgNames.StableHash(schema + "." + table);
    }

    /// <summary>The live table, qualified and quoted.</summary>
    public string Live { get; }

    /// <summary>The tombstone table, qualified and quoted.</summary>
    public string Tombstones { get; }

    public string[] Keys { get; }

    public string[] Values { get; }

    public ColumnShape[] KeyColumns { get; }

    public ColumnShape[] ValueColumns { get; }

    public string[] KeyTypes { get; }

    public string[] ValueTypes { get; }

    public string Version { get; }

    /// <summary>The quoted key columns, comma-separated.</summary>
    public string KeyList { get; }

    /// <summary><c>k0, k1, …</c>: the key columns of a source relation.</summary>
    public string SourceKeys { get; }

    public int LockClass { get; }

    /// <summary>
    /// A one-record source relation: <c>SELECT $1::type AS k0, …, $n::type AS v0, …, 0 AS _ord, $m::boolean AS _tomb, $p::bigint AS _ver</c>.
    /// </summary>
    public string RecordSource(PgStatement statement, object?[] key, object?[]? value, bool tombstone, long version)
    {
        var columns = new List<string>();
        var keys = statement.BindAll(key, KeyTypes);
        for (var i = 0; i < keys.Length; i++)
        {
            columns.Add(keys[i] + " AS k" + Num(i));
        }

        for (var i = 0; i < Values.Length; i++)
        {
            columns.Add((value is null ? "NULL::" + ValueTypes[i] : statement.Bind(value[i], ValueTypes[i])) + " AS v" + Num(i));
        }

        columns.Add("0 AS _ord");
        columns.Add(statement.Bind(tombstone, "boolean") + " AS _tomb");
        columns.Add(statement.Bind(version, "bigint") + " AS _ver");
        return "SELECT " + string.Join(", ", columns);
    }

    /// <summary>A merge's staging table: the source columns, typed like the live table's (text where a value travels as text).</summary>
    public string CreateStaging(string staging, bool ifNotExists)
    {
        var columns = KeyColumns.Select((c, i) => "k" + Num(i) + " " + c.StagingDefinition)
            .Concat(ValueColumns.Select((c, i) => "v" + Num(i) + " " + c.StagingDefinition))
            .Append("_ord integer NOT NULL").Append("_tomb boolean NOT NULL").Append("_ver bigint NOT NULL");
        return $"CREATE TEMPORARY TABLE {(ifNotExists ? "IF NOT EXISTS " : "")}{staging} ({string.Join(", ", columns)}) ON COMMIT DELETE ROWS";
    }

    /// <summary>The COPY statement that fills the staging table, columns in <see cref="CreateStaging"/> order.</summary>
    public string CopyIntoStaging(string staging)
    {
        var columns = Enumerable.Range(0, Keys.Length).Select(i => "k" + Num(i))
            .Concat(Enumerable.Range(0, Values.Length).Select(i => "v" + Num(i)))
            .Append("_ord").Append("_tomb").Append("_ver");
        return $"COPY {staging} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>
    /// Takes the transaction-scoped advisory lock of every key in the source, in hash order so that two writers of
    /// overlapping key sets cannot deadlock. Hashes are the key types' own (equal keys hash alike).
    /// </summary>
    public string LockKeys(string source) =>
        $"SELECT pg_advisory_xact_lock({Num(LockClass)}, l.h) FROM (SELECT DISTINCT hash_record(ROW({TypedSourceKeys})) AS h FROM ({source}) AS s) AS l ORDER BY l.h";

    /// <summary>The source's key columns as the key columns' own types (the lock hash must not depend on how a key travelled).</summary>
    private string TypedSourceKeys => string.Join(", ", KeyColumns.Select((c, i) => c.FromStaging("k" + Num(i))));

    /// <summary>
    /// The guarded write of every record in the source, as one statement. Records of one key count as written in
    /// <c>_ord</c> order: a record applies when its version beats both the stored one (row or tombstone) and every
    /// earlier record of its key; the last applied record of each key is written. The writes keep their own
    /// version guards too, so a writer that bypassed the key locks is still never overwritten by an older version.
    /// </summary>
    /// <param name="source">The source relation's query.</param>
    /// <param name="summary">The final select over <c>decided</c> (each record with <c>_applied</c>, <c>_prev</c> and <c>_stored</c>).</param>
    public string Merge(string source, string summary)
    {
        // Values that travelled as text become the columns' types before anything compares or writes them.
        source = $"SELECT {string.Join(", ", KeyColumns.Select((c, i) => c.FromStaging("t.k" + Num(i)) + " AS k" + Num(i)).Concat(ValueColumns.Select((c, i) => c.FromStaging("t.v" + Num(i)) + " AS v" + Num(i))))}, t._ord, t._tomb, t._ver FROM ({source}) AS t";
        var partition = string.Join(", ", Enumerable.Range(0, Keys.Length).Select(i => "s.k" + Num(i)));
        var valueTargets = string.Concat(Values.Select(v => ", " + v));
        var valueSources = string.Concat(Enumerable.Range(0, Values.Length).Select(i => ", v" + Num(i)));
        var updates = string.Concat(Values.Select(v => $"{v} = EXCLUDED.{v}, "));
        return $"""
            WITH src AS ({source}),
            ranked AS (
                SELECT s.*,
                       max(s._ver) OVER (PARTITION BY {partition} ORDER BY s._ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS _prev,
                       GREATEST((SELECT x.{Version} FROM {Live} AS x WHERE {KeyMatch("x", "s")}),
                                (SELECT x.{Version} FROM {Tombstones} AS x WHERE {KeyMatch("x", "s")})) AS _stored
                FROM src AS s),
            decided AS (SELECT r.*, r._ver > COALESCE(GREATEST(r._prev, r._stored), -1) AS _applied FROM ranked AS r),
            final AS (SELECT DISTINCT ON ({SourceKeys}) * FROM decided WHERE _applied ORDER BY {SourceKeys}, _ver DESC),
            upserted AS (
                INSERT INTO {Live} AS x ({KeyList}{valueTargets}, {Version})
                SELECT {SourceKeys}{valueSources}, _ver FROM final WHERE NOT _tomb
                ON CONFLICT ({KeyList}) DO UPDATE SET {updates}{Version} = EXCLUDED.{Version} WHERE x.{Version} < EXCLUDED.{Version}),
            unlived AS (
                DELETE FROM {Live} AS x USING final AS f WHERE f._tomb AND {KeyMatch("x", "f")} AND x.{Version} < f._ver),
            buried AS (
                INSERT INTO {Tombstones} AS x ({KeyList}, {Version})
                SELECT {SourceKeys}, _ver FROM final WHERE _tomb
                ON CONFLICT ({KeyList}) DO UPDATE SET {Version} = EXCLUDED.{Version} WHERE x.{Version} < EXCLUDED.{Version}),
            unburied AS (
                DELETE FROM {Tombstones} AS x USING final AS f WHERE NOT f._tomb AND {KeyMatch("x", "f")} AND x.{Version} < f._ver)
            {summary}
            """;
    }

    /// <summary>
    /// <c>SELECT keys AS k0…, version AS _ver, tombstone AS _tomb, values AS v0… FROM table</c>; a tombstone's values
    /// are typed NULLs so both sides of a UNION line up.
    /// </summary>
    public string SelectRecords(bool tombstone)
    {
        var columns = Keys.Select((k, i) => k + " AS k" + Num(i))
            .Append(Version + " AS _ver")
            .Append((tombstone ? "TRUE" : "FALSE") + " AS _tomb")
            .Concat(Values.Select((v, i) => (tombstone ? "NULL::" + ValueTypes[i] : v) + " AS v" + Num(i)));
        return $"SELECT {string.Join(", ", columns)} FROM {(tombstone ? Tombstones : Live)}";
    }

    /// <summary><c>"a" = $1::type AND "b" = $2::type</c>.</summary>
    public string KeyEquals(string[] placeholders) =>
        string.Join(" AND ", Keys.Select((k, i) => k + " = " + placeholders[i]));

    /// <summary>
    /// The key range <c>lower ≤ key &lt; upper</c> (<c>lower &lt; key</c> when not <paramref name="lowerInclusive"/>) as
    /// row-value comparisons, <c>("a", "b") &gt; ($1::type, $2::type)</c>, an index range in PostgreSQL; <c>TRUE</c>
    /// without bounds.
    /// </summary>
    public string KeyRange(PgStatement statement, object?[]? lower, bool lowerInclusive, object?[]? upper) =>
        _keyRange.Condition(lower, lowerInclusive, upper, (i, value) => statement.Bind(value, KeyTypes[i]));

    private string KeyMatch(string table, string source) =>
        string.Join(" AND ", Keys.Select((k, i) => $"{table}.{k} = {source}.k{Num(i)}"));

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
