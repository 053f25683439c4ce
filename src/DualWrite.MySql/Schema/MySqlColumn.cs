using DualWrite.MySql.Values;

namespace DualWrite.MySql.Schema;

/// <summary>One column of a table as <c>information_schema.COLUMNS</c> describes it (<see cref="MySqlSchemaReader"/>).</summary>
/// <param name="Name">The column name.</param>
/// <param name="Ordinal">Its 0-based position in the table (the position in binlog row images).</param>
/// <param name="DataType">The bare type, lower case: <c>bigint</c>, <c>decimal</c>, <c>enum</c>, ...; MariaDB's JSON (LONGTEXT with a <c>json_valid</c> check) is <c>json</c>.</param>
/// <param name="ColumnType">The full type as the server shows it: <c>bigint(20) unsigned</c>, <c>decimal(65,30)</c>, <c>enum('New','Paid')</c> (ENUM and SET members keep their case), ...</param>
/// <param name="IsNullable">Whether the column accepts NULL.</param>
/// <param name="CharacterSet">For character types, the character set.</param>
/// <param name="Collation">For character types, the collation.</param>
/// <param name="CharacterMaximumLength">For character and binary types, the length in characters (bytes).</param>
/// <param name="NumericPrecision">For numeric types, the precision (digits; for BIT, bits).</param>
/// <param name="NumericScale">For DECIMAL, the scale.</param>
/// <param name="DateTimePrecision">For DATETIME, TIMESTAMP and TIME, the fractional digits.</param>
/// <param name="IsGenerated">Whether the column is generated (VIRTUAL, STORED or PERSISTENT), so no write gives it a value.</param>
public sealed record MySqlColumn(
    string Name,
    int Ordinal,
    string DataType,
    string ColumnType,
    bool IsNullable,
    string? CharacterSet = null,
    string? Collation = null,
    long? CharacterMaximumLength = null,
    int? NumericPrecision = null,
    int? NumericScale = null,
    int? DateTimePrecision = null,
    bool IsGenerated = false)
{
    /// <summary>Whether a numeric type is UNSIGNED.</summary>
    public bool IsUnsigned => ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the column's values are, and so their CLR type (<see cref="MySqlValuePolicy.ClrType"/>); null for a type without a kind.</summary>
    public MySqlValueKind? Kind => MySqlValuePolicy.OfDataType(DataType, IsUnsigned, NumericPrecision);

    /// <summary>The type to give a copy of the column (the tombstone table's key columns), collation included so both tables order keys alike.</summary>
    /// <exception cref="InvalidOperationException">The server reported a character set or collation name that is not a plain name.</exception>
    internal string Definition()
    {
        if (CharacterSet is null || Collation is null)
        {
            return ColumnType;
        }

        // Server-reported names; checked anyway, since they are spliced into DDL unquoted.
        if (!IsName(CharacterSet) || !IsName(Collation))
        {
            throw new InvalidOperationException($"Column `{Name}` has an unexpected character set or collation name '{CharacterSet}' / '{Collation}'.");
        }

        return $"{ColumnType} CHARACTER SET {CharacterSet} COLLATE {Collation}";
    }

    private static bool IsName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
