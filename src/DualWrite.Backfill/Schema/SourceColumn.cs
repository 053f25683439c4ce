namespace DualWrite.Backfill.Schema;

/// <summary>One column of a source table as <c>information_schema.COLUMNS</c> describes it.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Ordinal">Its 0-based position in the table (the position in binlog row images).</param>
/// <param name="DataType">The bare type, lower case: <c>bigint</c>, <c>decimal</c>, <c>enum</c>, ...</param>
/// <param name="ColumnType">The full type as the server shows it: <c>bigint(20) unsigned</c>, <c>decimal(65,30)</c>, <c>enum('New','Paid')</c> (ENUM and SET members keep their case), ...</param>
/// <param name="IsNullable">Whether the column accepts NULL.</param>
/// <param name="CharacterMaximumLength">For character types, the length in characters.</param>
/// <param name="NumericPrecision">For DECIMAL, the precision.</param>
/// <param name="NumericScale">For DECIMAL, the scale.</param>
/// <param name="DateTimePrecision">For DATETIME, TIMESTAMP and TIME, the fractional digits.</param>
public sealed record SourceColumn(
    string Name,
    int Ordinal,
    string DataType,
    string ColumnType,
    bool IsNullable,
    long? CharacterMaximumLength = null,
    int? NumericPrecision = null,
    int? NumericScale = null,
    int? DateTimePrecision = null)
{
    /// <summary>Whether an integer type is UNSIGNED.</summary>
    public bool IsUnsigned => ColumnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);
}
