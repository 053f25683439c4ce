namespace DualWrite.PostgreSql.Tables;

/// <summary>One column of a table as the catalog describes it.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="SqlType">The type as <c>format_type</c> writes it, usable in a cast or a column definition (<c>character varying(20)</c>).</param>
/// <param name="CopyType">The type without modifiers, as binary COPY names it to Npgsql (<c>character varying</c>).</param>
/// <param name="Collation">The column's collation when it is not its type's default, quoted for a <c>COLLATE</c> clause.</param>
/// <param name="TravelsAsText">Whether its values are sent as text and cast by the server (a numeric wider than <see cref="decimal"/>).</param>
internal sealed record ColumnShape(string Name, string SqlType, string CopyType, string? Collation, bool TravelsAsText = false)
{
    /// <summary>The type and collation, as a column definition in another table states them.</summary>
    public string Definition => SqlType + (Collation is null ? "" : " COLLATE " + Collation);

    /// <summary>The column's type in a staging table: the real one, or <c>text</c> for a value that travels as text.</summary>
    public string StagingDefinition => TravelsAsText ? "text" : Definition;

    /// <summary>The type binary COPY writes the value as.</summary>
    public string StagingCopyType => TravelsAsText ? "text" : CopyType;

    /// <summary>A staged value <paramref name="expression"/> as the column's own type.</summary>
    public string FromStaging(string expression) => TravelsAsText ? expression + "::" + SqlType : expression;
}

/// <summary>
/// What the catalog says of a table: where it resolved, its columns, and its unique indexes. Read once per store
/// (and again after a schema error), so every statement can cast its parameters to the columns' own types.
/// </summary>
internal sealed class TableShape
{
    private readonly Dictionary<string, ColumnShape> _columns;

    private TableShape(string schema, string name, Dictionary<string, ColumnShape> columns, List<string[]> uniqueIndexes)
    {
        Schema = schema;
        Name = name;
        _columns = columns;
        UniqueIndexes = uniqueIndexes;
    }

    /// <summary>The schema the table resolved to.</summary>
    public string Schema { get; }

    public string Name { get; }

    /// <summary>The column lists of the unique, non-partial indexes on plain columns (the primary key among them).</summary>
    public IReadOnlyList<string[]> UniqueIndexes { get; }

    public ColumnShape? Column(string name) => _columns.GetValueOrDefault(name);

    /// <summary>Whether some unique index covers exactly these columns (as a set: what <c>ON CONFLICT (…)</c> can infer).</summary>
    public bool HasUniqueIndexOn(IReadOnlyList<string> columns) =>
        UniqueIndexes.Any(index => index.Length == columns.Count && index.All(columns.Contains));

    /// <summary>Reads the table's shape, or null when no table of that name resolves.</summary>
    public static async Task<TableShape?> ReadAsync(NpgsqlConnection connection, string? schema, string table, CancellationToken cancellationToken)
    {
        // to_regclass answers NULL rather than failing for a missing table or schema.
        const string Sql = """
            SELECT n.nspname, c.relname,
                   a.attname, format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL),
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                   ARRAY(SELECT ia.attname::text
                         FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)
                         JOIN pg_attribute ia ON ia.attrelid = i.indrelid AND ia.attnum = k.attnum
                         WHERE i.indexrelid = ix.indexrelid ORDER BY k.pos)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
            LEFT JOIN LATERAL (
                SELECT i.indexrelid FROM pg_index i
                WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indpred IS NULL AND i.indexprs IS NULL
                  AND a.attnum = i.indkey[0]) AS ix ON TRUE
            WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """;
        var command = new NpgsqlCommand(Sql, connection) { Parameters = { new() { Value = PgNames.Qualify(schema, table) } } };
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                string? resolvedSchema = null, name = null;
                var columns = new Dictionary<string, ColumnShape>(StringComparer.Ordinal);
                var indexes = new List<string[]>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    resolvedSchema = reader.GetString(0);
                    name = reader.GetString(1);
                    var column = reader.GetString(2);
                    columns.TryAdd(column, new ColumnShape(column, reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));

                    // The lateral join yields one row per unique index led by this column, with the index's columns.
                    if (reader.GetFieldValue<string[]>(6) is { Length: > 0 } index)
                    {
                        indexes.Add(index);
                    }
                }

                return resolvedSchema is null ? null : new TableShape(resolvedSchema, name!, columns, indexes);
            }
        }
    }
}
