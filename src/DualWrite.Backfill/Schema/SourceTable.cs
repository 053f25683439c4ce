namespace DualWrite.Backfill.Schema;

/// <summary>A source table: its columns in table order, its primary key, and the server's row estimate.</summary>
public sealed record SourceTable(string Database, string Name, IReadOnlyList<SourceColumn> Columns, IReadOnlyList<string> PrimaryKey, long EstimatedRows)
{
    /// <summary>The column named <paramref name="name"/> (case-insensitive, as MySQL column names are), or null.</summary>
    public SourceColumn? Find(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => $"{Database}.{Name}";
}
