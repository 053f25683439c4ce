namespace DualWrite.MySql.Schema;

/// <summary>A primary or unique index of a table (<c>information_schema.STATISTICS</c> with <c>NON_UNIQUE = 0</c>).</summary>
/// <param name="Name">The index name; <c>PRIMARY</c> for the primary key.</param>
/// <param name="Columns">Its columns, in index order.</param>
/// <param name="HasPrefix">Whether a column is indexed by a prefix only, so the index is unique on the prefix, not on the whole key.</param>
public sealed record MySqlUniqueIndex(string Name, IReadOnlyList<string> Columns, bool HasPrefix)
{
    /// <summary>The name MySQL gives every primary key.</summary>
    public const string PrimaryName = "PRIMARY";

    /// <summary>Whether this is the primary key.</summary>
    public bool IsPrimary => Name == PrimaryName;
}
