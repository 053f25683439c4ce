namespace DualWrite.MySql.Stores;

/// <summary>One column as information_schema describes it.</summary>
internal sealed record ColumnShape(string DataType, string ColumnType, string? CharacterSet, string? Collation)
{
    /// <summary>The type to give a copy of the column (the tombstone table's key columns), collation included so both tables order keys alike.</summary>
    public string Definition()
    {
        if (CharacterSet is null || Collation is null)
        {
            return ColumnType;
        }

        // Server-reported names; checked anyway, since they are spliced into DDL unquoted.
        if (!IsName(CharacterSet) || !IsName(Collation))
        {
            throw new InvalidOperationException($"Unexpected character set or collation name '{CharacterSet}' / '{Collation}'.");
        }

        return $"{ColumnType} CHARACTER SET {CharacterSet} COLLATE {Collation}";
    }

    private static bool IsName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
