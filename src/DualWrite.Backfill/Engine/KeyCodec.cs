using System.Globalization;
using System.Text.Json;
using DualWrite.Backfill.Schema;
using DualWrite.MySql.Values;
using DualWrite.MySql;

namespace DualWrite.Backfill.Engine;

/// <summary>
/// Key values ↔ checkpoint text: a JSON array of strings, one per key column, read back by the column's type so
/// the resumed query binds the same typed values (a DECIMAL key is never compared as a float).
/// </summary>
internal static class KeyCodec
{
    public static string Encode(IReadOnlyList<object?> key) =>
        JsonSerializer.Serialize(key.Select(Text).ToArray());

    public static object?[] Decode(string text, IReadOnlyList<SourceColumn> columns)
    {
        var parts = JsonSerializer.Deserialize<string?[]>(text)
            ?? throw new FormatException("A checkpoint key is empty.");
        if (parts.Length != columns.Count)
        {
            throw new FormatException($"A checkpoint key has {parts.Length} values for {columns.Count} key columns; the table's key changed since the checkpoint was written.");
        }

        return parts.Select((p, i) => p is null ? null : Parse(p, columns[i])).ToArray();
    }

    private static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan t => t.Ticks.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static object Parse(string text, SourceColumn column) => column.DataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "year" => long.Parse(text, CultureInfo.InvariantCulture),
        "bigint" when column.IsUnsigned => ulong.Parse(text, CultureInfo.InvariantCulture),
        "bigint" => long.Parse(text, CultureInfo.InvariantCulture),
        "bit" => ulong.Parse(text, CultureInfo.InvariantCulture),
        "decimal" or "numeric" => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : ExactDecimal.Parse(text),
        "float" or "double" or "real" => double.Parse(text, CultureInfo.InvariantCulture),
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => Convert.FromBase64String(text),
        "date" or "datetime" or "timestamp" => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : text,
        "time" => TimeSpan.FromTicks(long.Parse(text, CultureInfo.InvariantCulture)),
        _ => text,
    };
}
