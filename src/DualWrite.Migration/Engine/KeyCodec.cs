using System.Globalization;
using System.Text.Json;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using DualWrite.MySql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Key values ↔ checkpoint text: a JSON array of strings, one per key column, read back by the column's type so
/// the resumed query binds the same typed values (a DECIMAL key is never compared as a float).
/// </summary>
internal static class KeyCodec
{
    public static string Encode(IReadOnlyList<object?> key) =>
        JsonSerializer.Serialize(key.Select(Text).ToArray());

    public static object?[] Decode(string text, IReadOnlyList<MySqlColumn> columns)
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

    private static object Parse(string text, MySqlColumn column) => column.Kind switch
    {
        MySqlValueKind.SByte => sbyte.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Byte => byte.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Int16 or MySqlValueKind.Year => short.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.UInt16 => ushort.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Int32 => int.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.UInt32 => uint.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Int64 => long.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.UInt64 or MySqlValueKind.Bit => ulong.Parse(text, CultureInfo.InvariantCulture),
        // MySqlConnector binds decimal; only a value beyond it stays ExactDecimal.
        MySqlValueKind.Decimal or MySqlValueKind.ExactDecimal =>
            decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : ExactDecimal.Parse(text),
        MySqlValueKind.Single => float.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Double => double.Parse(text, CultureInfo.InvariantCulture),
        MySqlValueKind.Binary or MySqlValueKind.Spatial => Convert.FromBase64String(text),
        // A date DateTime cannot hold was written as MySqlDateTime's text, and is bound as that text.
        MySqlValueKind.Date or MySqlValueKind.DateTime or MySqlValueKind.Timestamp =>
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : text,
        MySqlValueKind.Time => TimeSpan.FromTicks(long.Parse(text, CultureInfo.InvariantCulture)),
        _ => text,
    };
}
