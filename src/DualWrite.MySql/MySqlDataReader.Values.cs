using System.Globalization;
using DualWrite.MySql.Protocol.Text;

namespace DualWrite.MySql;

public sealed partial class MySqlDataReader
{
    /// <inheritdoc />
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    /// <inheritdoc />
    public override byte GetByte(int ordinal) => Narrow<byte>(ordinal, GetUInt64Checked(ordinal), byte.MaxValue);

    /// <summary>Gets a value as a signed byte (TINYINT).</summary>
    public sbyte GetSByte(int ordinal) => (sbyte)NarrowSigned(ordinal, GetInt64(ordinal), sbyte.MinValue, sbyte.MaxValue);

    /// <inheritdoc />
    public override short GetInt16(int ordinal) => (short)NarrowSigned(ordinal, GetInt64(ordinal), short.MinValue, short.MaxValue);

    /// <inheritdoc />
    public override int GetInt32(int ordinal) => (int)NarrowSigned(ordinal, GetInt64(ordinal), int.MinValue, int.MaxValue);

    /// <inheritdoc />
    public override long GetInt64(int ordinal)
    {
        var value = Value(ordinal);
        var column = _columns[ordinal];
        if (column.Type == MySqlColumnType.Bit)
        {
            var bits = TextValueDecoder.ParseBit(value, column);
            return bits <= long.MaxValue ? (long)bits : throw OutOfRange(ordinal, bits, "Int64");
        }

        return TextValueDecoder.ParseInt64(value, column);
    }

    /// <summary>Gets a value as an unsigned 16-bit integer.</summary>
    public ushort GetUInt16(int ordinal) => Narrow<ushort>(ordinal, GetUInt64Checked(ordinal), ushort.MaxValue);

    /// <summary>Gets a value as an unsigned 32-bit integer.</summary>
    public uint GetUInt32(int ordinal) => Narrow<uint>(ordinal, GetUInt64Checked(ordinal), uint.MaxValue);

    /// <summary>Gets a value as an unsigned 64-bit integer (BIGINT UNSIGNED, BIT).</summary>
    public ulong GetUInt64(int ordinal) => GetUInt64Checked(ordinal);

    private ulong GetUInt64Checked(int ordinal)
    {
        var value = Value(ordinal);
        var column = _columns[ordinal];
        return column.Type == MySqlColumnType.Bit ? TextValueDecoder.ParseBit(value, column) : TextValueDecoder.ParseUInt64(value, column);
    }

    /// <inheritdoc />
    public override float GetFloat(int ordinal) => TextValueDecoder.ParseSingle(Value(ordinal), _columns[ordinal]);

    /// <inheritdoc />
    public override double GetDouble(int ordinal) => TextValueDecoder.ParseDouble(Value(ordinal), _columns[ordinal]);

    /// <inheritdoc />
    public override decimal GetDecimal(int ordinal) => TextValueDecoder.ParseDecimal(Value(ordinal), _columns[ordinal]);

    /// <summary>Gets a DECIMAL exactly, whatever its precision (up to 65 digits).</summary>
    public MySqlDecimal GetMySqlDecimal(int ordinal) => TextValueDecoder.ParseMySqlDecimal(Value(ordinal), _columns[ordinal]);

    /// <inheritdoc />
    public override string GetString(int ordinal) => TextValueDecoder.DecodeString(Value(ordinal), _columns[ordinal]);

    /// <inheritdoc />
    public override char GetChar(int ordinal)
    {
        var text = GetString(ordinal);
        return text.Length > 0 ? text[0] : throw new InvalidCastException($"Column '{_columns[ordinal].Name}' holds an empty string, not a character.");
    }

    /// <inheritdoc />
    public override DateTime GetDateTime(int ordinal) => TextValueDecoder.ParseDateTime(Value(ordinal), _columns[ordinal]);

    /// <summary>Gets a DATE/DATETIME/TIMESTAMP in a form that also holds zero dates such as 0000-00-00.</summary>
    public MySqlDateTime GetMySqlDateTime(int ordinal) => TextValueDecoder.ParseMySqlDateTime(Value(ordinal), _columns[ordinal]);

    /// <summary>Gets a TIME value (which may be negative or longer than a day).</summary>
    public TimeSpan GetTimeSpan(int ordinal) => TextValueDecoder.ParseTime(Value(ordinal), _columns[ordinal]);

    /// <inheritdoc />
    public override Guid GetGuid(int ordinal)
    {
        var value = Value(ordinal);
        var column = _columns[ordinal];
        if (column.IsBinary && value.Length == 16)
        {
            return new Guid(value, bigEndian: true);
        }

        var text = TextValueDecoder.DecodeString(value, column);
        return Guid.TryParse(text, out var guid)
            ? guid
            : throw new InvalidCastException($"Column '{column.Name}' does not hold a GUID.");
    }

    /// <inheritdoc />
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var value = Value(ordinal);
        if (buffer is null)
        {
            return value.Length;
        }

        if (dataOffset < 0 || dataOffset > value.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dataOffset));
        }

        var count = (int)Math.Min(length, value.Length - dataOffset);
        value.Slice((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset));
        return count;
    }

    /// <inheritdoc />
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        var count = (int)Math.Min(length, text.Length - dataOffset);
        text.AsSpan((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset));
        return count;
    }

    /// <inheritdoc />
    public override Stream GetStream(int ordinal) => new MemoryStream(Value(ordinal).ToArray(), writable: false);

    /// <inheritdoc />
    public override T GetFieldValue<T>(int ordinal)
    {
        if (typeof(T) == typeof(object))
        {
            return (T)GetValue(ordinal);
        }

        if (CheckedLength(ordinal) < 0)
        {
            if (default(T) is null && (typeof(T) == typeof(DBNull) || Nullable.GetUnderlyingType(typeof(T)) is not null || !typeof(T).IsValueType))
            {
                return typeof(T) == typeof(DBNull) ? (T)(object)DBNull.Value : default!;
            }

            throw new InvalidCastException($"Column '{_columns[ordinal].Name}' is NULL and cannot be read as {typeof(T).Name}.");
        }

        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        object value = type switch
        {
            _ when type == typeof(string) => GetString(ordinal),
            _ when type == typeof(int) => GetInt32(ordinal),
            _ when type == typeof(long) => GetInt64(ordinal),
            _ when type == typeof(short) => GetInt16(ordinal),
            _ when type == typeof(sbyte) => GetSByte(ordinal),
            _ when type == typeof(byte) => GetByte(ordinal),
            _ when type == typeof(ushort) => GetUInt16(ordinal),
            _ when type == typeof(uint) => GetUInt32(ordinal),
            _ when type == typeof(ulong) => GetUInt64(ordinal),
            _ when type == typeof(bool) => GetBoolean(ordinal),
            _ when type == typeof(decimal) => GetDecimal(ordinal),
            _ when type == typeof(MySqlDecimal) => GetMySqlDecimal(ordinal),
            _ when type == typeof(double) => GetDouble(ordinal),
            _ when type == typeof(float) => GetFloat(ordinal),
            _ when type == typeof(DateTime) => GetDateTime(ordinal),
            _ when type == typeof(DateOnly) => DateOnly.FromDateTime(GetDateTime(ordinal)),
            _ when type == typeof(MySqlDateTime) => GetMySqlDateTime(ordinal),
            _ when type == typeof(TimeSpan) => GetTimeSpan(ordinal),
            _ when type == typeof(TimeOnly) => TimeOnly.FromTimeSpan(GetTimeSpan(ordinal)),
            _ when type == typeof(byte[]) => Value(ordinal).ToArray(),
            _ when type == typeof(Guid) => GetGuid(ordinal),
            _ when type == typeof(char) => GetChar(ordinal),
            _ => GetValue(ordinal),
        };

        return value is T typed ? typed : throw new InvalidCastException(
            $"Column '{_columns[ordinal].Name}' ({GetDataTypeName(ordinal)}) cannot be read as {typeof(T).Name}.");
    }

    private T Narrow<T>(int ordinal, ulong value, ulong max)
        where T : struct
    {
        if (value > max)
        {
            throw OutOfRange(ordinal, value, typeof(T).Name);
        }

        return (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    private long NarrowSigned(int ordinal, long value, long min, long max) =>
        value >= min && value <= max ? value : throw OutOfRange(ordinal, value, max switch
        {
            sbyte.MaxValue => "SByte",
            short.MaxValue => "Int16",
            _ => "Int32",
        });

    private MySqlException OutOfRange<TValue>(int ordinal, TValue value, string target) =>
        MySqlException.InvalidValue($"The value {value} of column '{_columns[ordinal].Name}' does not fit in {target}.");
}
