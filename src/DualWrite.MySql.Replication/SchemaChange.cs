namespace DualWrite.MySql.Replication;

/// <summary>A DDL statement in the binlog, surfaced so that a consumer can apply its DDL policy.</summary>
/// <param name="Kind">What the statement does.</param>
/// <param name="Schema">The default database the statement ran in.</param>
/// <param name="Tables">The tables the statement names (schema-qualified when it qualified them), as far as they can be read from the text.</param>
/// <param name="Sql">The statement text, exactly as logged.</param>
public sealed record SchemaChange(SchemaChangeKind Kind, string Schema, IReadOnlyList<string> Tables, string Sql)
{
    /// <summary>True when the statement names <paramref name="schema"/>.<paramref name="table"/> (or its whole database, listed as <c>*</c>).</summary>
    public bool Affects(string schema, string table) => Tables.Any(t =>
        (t == "*" || string.Equals(t, table, StringComparison.OrdinalIgnoreCase)) && string.Equals(Schema, schema, StringComparison.OrdinalIgnoreCase)
        || string.Equals(t, schema + "." + table, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the statement concerns a table of <paramref name="schema"/>: it ran there, or names the schema explicitly.</summary>
    public bool Touches(string schema) =>
        (string.Equals(Schema, schema, StringComparison.OrdinalIgnoreCase) && Tables.Any(t => !t.Contains('.', StringComparison.Ordinal)))
        || Tables.Any(t => t.StartsWith(schema + ".", StringComparison.OrdinalIgnoreCase))
        || (Tables.Count == 0 && string.Equals(Schema, schema, StringComparison.OrdinalIgnoreCase));
}
