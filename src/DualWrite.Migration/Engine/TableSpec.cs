using DualWrite.PostgreSql;
using DualWrite.PostgreSql.Tables;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Schema;
using DualWrite.MySql;
using DualWrite.MySql.Schema;

namespace DualWrite.Migration.Engine;

/// <summary>One mapped column as the engine uses it.</summary>
/// <param name="Source">The source column.</param>
/// <param name="Target">The target column name.</param>
/// <param name="Type">Its PostgreSQL type and value conversion.</param>
/// <param name="Apply">Source value (never null) → the value written (transform, then conversion).</param>
/// <param name="Transform">The plan's transform on the way (text columns only).</param>
internal sealed record ColumnSpec(MySqlColumn Source, string Target, TargetColumnType Type, Func<object, object> Apply, ColumnTransform Transform = ColumnTransform.None)
{
    /// <summary>No transform: the value is only converted to the target type.</summary>
    public bool Plain => Transform == ColumnTransform.None;

    /// <summary>The value written for a source value (null stays null).</summary>
    /// <exception cref="BackfillException">The value does not fit the target type (<see cref="BackfillError.BadValue"/>, naming the column).</exception>
    public object? Convert(object? value)
    {
        try
        {
            return value is null or DBNull ? null : Apply(value);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or TargetValueException)
        {
            throw new BackfillException(BackfillError.BadValue, $"Column `{Source.Name}` ({Source.ColumnType}) holds a value its target type {Type.Sql} cannot take: {ex.Message}", ex);
        }
    }
}

/// <summary>
/// One table to move, resolved against the source: what the snapshot, the catch-up and the comparison need. The
/// version column, when the table has one, is not among <see cref="Columns"/>: its value becomes the target's
/// <c>_dw_version</c>.
/// </summary>
internal sealed record TableSpec(
    string Entity,
    MySqlTable Source,
    string TargetSchema,
    string TargetTable,
    IReadOnlyList<ColumnSpec> Columns,
    IReadOnlyList<int> KeyColumns,
    MySqlColumn? Version,
    int ChunkSize)
{
    public string SourceName => MySqlNames.Quote(Source.Database) + "." + MySqlNames.Quote(Source.Name);

    private VersionedTable? _target;

    /// <summary>The target table as every writer writes it: the snapshot, the catch-up and the decorator's store alike.</summary>
    public VersionedTable Target => _target ??= new VersionedTable(
        TargetSchema, TargetTable, [.. Columns.Select(c => new VersionedColumn(c.Target, c.Type.StagedAsText))], KeyColumns);

    public string TargetName => PgNames.Qualify(TargetSchema, TargetTable);

    /// <summary>The source columns a snapshot selects and a row image is read by: the mapped ones, then the version column.</summary>
    public IEnumerable<MySqlColumn> SelectedColumns => Columns.Select(c => c.Source).Concat(Version is null ? [] : [Version]);

    public IEnumerable<ColumnSpec> Keys => KeyColumns.Select(i => Columns[i]);

    public override string ToString() => $"{Source.Database}.{Source.Name} → {TargetSchema}.{TargetTable}";

    /// <summary>The table a validated plan entity describes; its version column (if any) becomes the target's version.</summary>
    public static TableSpec From(ValidatedEntity entity, string targetSchema, int defaultChunkSize)
    {
        var kept = entity.Columns.Select((c, i) => (Column: c, Index: i)).Where(c => c.Index != entity.VersionColumn).ToList();
        var columns = kept.Select(c => new ColumnSpec(c.Column.Source, c.Column.Target, c.Column.Type, value => c.Column.Apply(value)!, c.Column.Transform)).ToList();
        var keys = entity.KeyColumns.Select(k => kept.FindIndex(c => c.Index == k)).ToList();
        var version = entity.VersionColumn is { } v ? entity.Columns[v].Source : null;
        return new TableSpec(entity.Plan.Name, entity.Source, targetSchema, entity.Plan.TargetTable, columns, keys, version, entity.Plan.ChunkSize ?? defaultChunkSize);
    }

    /// <summary>Every column of <paramref name="source"/> under its own name, keyed by the primary key; <paramref name="versionColumn"/> becomes the version.</summary>
    public static TableSpec AllColumns(MySqlTable source, string targetSchema, string? targetTable = null, int chunkSize = 10_000, string? versionColumn = null)
    {
        var version = versionColumn is null ? null : source.Find(versionColumn) ?? throw new ArgumentException($"{source} has no column `{versionColumn}`.", nameof(versionColumn));
        var columns = source.Columns.Where(c => c != version).Select(c =>
        {
            var type = TypeMapping.Map(c);
            return new ColumnSpec(c, c.Name, type, type.Convert);
        }).ToList();
        var keys = source.PrimaryKey.Select(k => columns.FindIndex(c => string.Equals(c.Source.Name, k, StringComparison.OrdinalIgnoreCase))).ToList();
        return new TableSpec(source.Name, source, targetSchema, targetTable ?? source.Name, columns, keys, version, chunkSize);
    }
}
