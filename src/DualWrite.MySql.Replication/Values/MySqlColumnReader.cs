using System.Collections.ObjectModel;
using MySqlConnector;

namespace DualWrite.MySql.Values;

/// <summary>
/// Reads the rows of one MySqlConnector result set as the values the binlog decoder produces for the same columns:
/// a reader per column, chosen once from the column's <see cref="MySqlValueKind"/> (<see cref="MySqlValuePolicy"/>).
/// </summary>
/// <remarks>
/// The connection must use <see cref="MySqlExactSettings"/>; a column MySqlConnector already turned into bool or
/// Guid is refused when the reader is created. TIMESTAMP values are UTC when the session's time_zone is +00:00,
/// which the source readers set.
/// </remarks>
public sealed class MySqlColumnReader
{
    private readonly Func<MySqlDataReader, int, object>[] _readers;

    private MySqlColumnReader(MySqlValueKind[] kinds)
    {
        Kinds = new ReadOnlyCollection<MySqlValueKind>(kinds);
        _readers = [.. kinds.Select(For)];
    }

    /// <summary>Each column's kind, in result order.</summary>
    public IReadOnlyList<MySqlValueKind> Kinds { get; }

    /// <summary>Chooses the readers for the result set <paramref name="reader"/> is on.</summary>
    /// <exception cref="InvalidOperationException">The connection's settings change a column's values (see <see cref="MySqlExactSettings"/>).</exception>
    public static MySqlColumnReader For(MySqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new MySqlColumnReader([.. reader.GetColumnSchema().Cast<MySqlDbColumn>().Select(MySqlValuePolicy.Of)]);
    }

    /// <summary>The reader of column <paramref name="ordinal"/>'s non-NULL values, for a loop that checks NULL itself.</summary>
    public Func<MySqlDataReader, int, object> Reader(int ordinal) => _readers[ordinal];

    /// <summary>The value of column <paramref name="ordinal"/> of the current row, or null for SQL NULL.</summary>
    public object? GetValue(MySqlDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : _readers[ordinal](reader, ordinal);
    }

    /// <summary>Every value of the current row.</summary>
    public object?[] GetValues(MySqlDataReader reader)
    {
        var values = new object?[_readers.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = GetValue(reader, i);
        }

        return values;
    }

    private static Func<MySqlDataReader, int, object> For(MySqlValueKind kind) => kind switch
    {
        MySqlValueKind.SByte => static (r, i) => r.GetSByte(i),
        MySqlValueKind.Byte => static (r, i) => r.GetByte(i),
        MySqlValueKind.Int16 => static (r, i) => r.GetInt16(i),
        MySqlValueKind.UInt16 => static (r, i) => r.GetUInt16(i),
        MySqlValueKind.Int32 => static (r, i) => r.GetInt32(i),
        MySqlValueKind.UInt32 => static (r, i) => r.GetUInt32(i),
        MySqlValueKind.Int64 => static (r, i) => r.GetInt64(i),
        MySqlValueKind.UInt64 or MySqlValueKind.Bit => static (r, i) => r.GetUInt64(i),
        MySqlValueKind.Decimal => static (r, i) => r.GetDecimal(i),
        MySqlValueKind.ExactDecimal => static (r, i) => ExactDecimal.Parse(r.GetMySqlDecimal(i).ToString()),
        MySqlValueKind.Single => static (r, i) => r.GetFloat(i),
        MySqlValueKind.Double => static (r, i) => r.GetDouble(i),
        MySqlValueKind.Date => static (r, i) => MySqlTemporal.Value(r.GetMySqlDateTime(i), MySqlValueKind.Date),
        MySqlValueKind.DateTime => static (r, i) => MySqlTemporal.Value(r.GetMySqlDateTime(i), MySqlValueKind.DateTime),
        MySqlValueKind.Timestamp => static (r, i) => MySqlTemporal.Value(r.GetMySqlDateTime(i), MySqlValueKind.Timestamp),
        MySqlValueKind.Time => static (r, i) => r.GetTimeSpan(i),
        MySqlValueKind.Year => static (r, i) => r.GetInt16(i),
        MySqlValueKind.Text or MySqlValueKind.Json or MySqlValueKind.Enum or MySqlValueKind.Set => static (r, i) => r.GetString(i),
        MySqlValueKind.Binary or MySqlValueKind.Spatial => static (r, i) => (byte[])r.GetValue(i),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
