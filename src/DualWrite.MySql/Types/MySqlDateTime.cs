namespace DualWrite.MySql;

/// <summary>
/// A DATE, DATETIME or TIMESTAMP value exactly as the server stores it, including values
/// <see cref="DateTime"/> cannot hold: the zero date <c>0000-00-00</c>, dates with a zero month or
/// day (<c>2024-00-15</c>, allowed when sql_mode lacks NO_ZERO_IN_DATE), year 0, and days past the
/// end of the month (ALLOW_INVALID_DATES).
/// </summary>
/// <remarks>
/// Result sets return <see cref="DateTime"/> for ordinary values and this type only for values
/// that <see cref="DateTime"/> cannot represent; <see cref="IsValidDateTime"/> tells which.
/// </remarks>
public readonly struct MySqlDateTime : IEquatable<MySqlDateTime>
{
    private readonly ushort _year;
    private readonly byte _month;
    private readonly byte _day;
    private readonly byte _hour;
    private readonly byte _minute;
    private readonly byte _second;
    private readonly int _microsecond;

    /// <summary>Creates a value; month and day may be zero, as the server allows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is outside the server's range.</exception>
    public MySqlDateTime(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int microsecond = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)year, 9999u, nameof(year));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)month, 12u, nameof(month));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)day, 31u, nameof(day));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)hour, 23u, nameof(hour));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)minute, 59u, nameof(minute));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)second, 59u, nameof(second));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)microsecond, 999_999u, nameof(microsecond));
        _year = (ushort)year;
        _month = (byte)month;
        _day = (byte)day;
        _hour = (byte)hour;
        _minute = (byte)minute;
        _second = (byte)second;
        _microsecond = microsecond;
    }

    /// <summary>Creates a value from a <see cref="DateTime"/>, truncated to whole microseconds.</summary>
    public MySqlDateTime(DateTime value)
        : this(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second,
            (int)(value.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond))
    {
    }

    /// <summary>Year, 0-9999.</summary>
    public int Year => _year;

    /// <summary>Month, 0-12 (0 only in zero or partial dates).</summary>
    public int Month => _month;

    /// <summary>Day of the month, 0-31 (0 only in zero or partial dates).</summary>
    public int Day => _day;

    /// <summary>Hour, 0-23.</summary>
    public int Hour => _hour;

    /// <summary>Minute, 0-59.</summary>
    public int Minute => _minute;

    /// <summary>Second, 0-59.</summary>
    public int Second => _second;

    /// <summary>Fraction of the second in microseconds, 0-999999.</summary>
    public int Microsecond => _microsecond;

    /// <summary>True for the zero value <c>0000-00-00 00:00:00</c>.</summary>
    public bool IsZero => _year == 0 && _month == 0 && _day == 0 && _hour == 0 && _minute == 0 && _second == 0 && _microsecond == 0;

    /// <summary>True when <see cref="ToDateTime"/> succeeds: year 1-9999 and a real day of a real month.</summary>
    public bool IsValidDateTime => _year >= 1 && _month >= 1 && _day >= 1 && _day <= DateTime.DaysInMonth(_year, _month);

    /// <summary>The same moment as a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Unspecified"/>.</summary>
    /// <exception cref="InvalidCastException">The value is a zero, partial or impossible date.</exception>
    public DateTime ToDateTime() =>
        IsValidDateTime
            ? new DateTime(_year, _month, _day, _hour, _minute, _second, DateTimeKind.Unspecified).AddTicks(_microsecond * TimeSpan.TicksPerMicrosecond)
            : throw new InvalidCastException($"The MySQL date '{this}' has no System.DateTime equivalent (zero year, month or day, or a day past the end of the month).");

    /// <summary>Formats as <c>yyyy-MM-dd HH:mm:ss</c>, followed by <c>.ffffff</c> when <see cref="Microsecond"/> is not 0.</summary>
    public override string ToString() => ToString(_microsecond == 0 ? 0 : 6);

    /// <summary>Formats as <c>yyyy-MM-dd HH:mm:ss</c> with the given number of fractional digits (truncated).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fractionalDigits"/> is not 0-6.</exception>
    public string ToString(int fractionalDigits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)fractionalDigits, 6u, nameof(fractionalDigits));
        Span<char> buffer = stackalloc char[26];
        var length = Format(buffer, fractionalDigits);
        return new string(buffer[..length]);
    }

    /// <inheritdoc />
    public bool Equals(MySqlDateTime other) =>
        _year == other._year && _month == other._month && _day == other._day && _hour == other._hour
        && _minute == other._minute && _second == other._second && _microsecond == other._microsecond;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MySqlDateTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_year, _month, _day, _hour, _minute, _second, _microsecond);

    /// <summary>Component-wise equality.</summary>
    public static bool operator ==(MySqlDateTime left, MySqlDateTime right) => left.Equals(right);

    /// <summary>Component-wise inequality.</summary>
    public static bool operator !=(MySqlDateTime left, MySqlDateTime right) => !left.Equals(right);

    /// <summary>
    /// Parses <c>YYYY-MM-DD</c> or <c>YYYY-MM-DD HH:MM:SS[.f…]</c> (1-6 fractional digits), the text
    /// protocol's DATE, DATETIME and TIMESTAMP forms.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not of that form or a part is out of range.</exception>
    internal static MySqlDateTime Parse(ReadOnlySpan<byte> ascii) =>
        TryParse(ascii, out var value)
            ? value
            : throw new FormatException($"'{System.Text.Encoding.Latin1.GetString(ascii)}' is not a MySQL date or datetime.");

    /// <summary>Parses as <see cref="Parse"/> does, without throwing.</summary>
    /// <remarks>https://dev.mysql.com/doc/refman/8.4/en/datetime.html</remarks>
    internal static bool TryParse(ReadOnlySpan<byte> s, out MySqlDateTime value)
    {
        value = default;
        if (s.Length != 10 && (s.Length < 19 || s.Length == 20 || s.Length > 26))
        {
            return false;
        }
        if (!TryDigits(s, 0, 4, out var year) || s[4] != '-' || !TryDigits(s, 5, 2, out var month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out var day) || month > 12 || day > 31)
        {
            return false;
        }
        int hour = 0, minute = 0, second = 0, microsecond = 0;
        if (s.Length > 10)
        {
            if (s[10] != ' ' || !TryDigits(s, 11, 2, out hour) || s[13] != ':' || !TryDigits(s, 14, 2, out minute)
                || s[16] != ':' || !TryDigits(s, 17, 2, out second) || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }
            if (s.Length > 19 && (s[19] != '.' || !TryFraction(s[20..], out microsecond)))
            {
                return false;
            }
        }
        value = new MySqlDateTime(year, month, day, hour, minute, second, microsecond);
        return true;
    }

    /// <summary>Reads <paramref name="count"/> ASCII digits at <paramref name="start"/>.</summary>
    internal static bool TryDigits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }
            value = (value * 10) + (int)d;
        }
        return true;
    }

    /// <summary>Reads 1-6 fractional-second digits as microseconds.</summary>
    internal static bool TryFraction(ReadOnlySpan<byte> digits, out int microseconds)
    {
        microseconds = 0;
        if (digits.IsEmpty || digits.Length > 6 || !TryDigits(digits, 0, digits.Length, out var value))
        {
            return false;
        }
        for (var i = digits.Length; i < 6; i++)
        {
            value *= 10;
        }
        microseconds = value;
        return true;
    }

    private int Format(Span<char> d, int fractionalDigits)
    {
        Write(d, 0, _year, 4);
        d[4] = '-';
        Write(d, 5, _month, 2);
        d[7] = '-';
        Write(d, 8, _day, 2);
        d[10] = ' ';
        Write(d, 11, _hour, 2);
        d[13] = ':';
        Write(d, 14, _minute, 2);
        d[16] = ':';
        Write(d, 17, _second, 2);
        if (fractionalDigits == 0)
        {
            return 19;
        }
        d[19] = '.';
        var fraction = _microsecond;
        for (var i = fractionalDigits; i < 6; i++)
        {
            fraction /= 10;
        }
        Write(d, 20, fraction, fractionalDigits);
        return 20 + fractionalDigits;
    }

    private static void Write(Span<char> destination, int start, int value, int width)
    {
        for (var i = start + width - 1; i >= start; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
