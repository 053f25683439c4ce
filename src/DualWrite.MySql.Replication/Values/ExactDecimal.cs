using System.Globalization;
using System.Numerics;
using System.Text;

namespace DualWrite.MySql.Values;

/// <summary>
/// An exact DECIMAL/NUMERIC value of up to 65 significant digits with up to 38 digits after the
/// point, for values <see cref="decimal"/> cannot hold (it is limited to 28 decimal places and
/// about 7.9e28).
/// </summary>
/// <remarks>
/// The value keeps the text it was parsed from, so <see cref="ToString"/> returns exactly that
/// text (including trailing zeros and any zero-fill padding). Equality and ordering are numeric:
/// 1.50 equals 1.5, and -0 equals 0. The default value is zero.
/// </remarks>
public readonly struct ExactDecimal : IEquatable<ExactDecimal>, IComparable<ExactDecimal>, IComparable
{
    /// <summary>The most significant digits a value may have.</summary>
    public const int MaxPrecision = 65;

    /// <summary>The most digits a value may have after the decimal point.</summary>
    public const int MaxScale = 38;

    // The largest magnitude System.Decimal holds: 2^96 - 1.
    private static readonly UInt128 MaxDecimalMantissa = new(0xFFFF_FFFF, ulong.MaxValue);

    private readonly string? _text;
    private readonly byte _precision;
    private readonly byte _scale;
    private readonly bool _isNegative;

    private ExactDecimal(string text, int precision, int scale, bool isNegative)
    {
        _text = text;
        _precision = (byte)precision;
        _scale = (byte)scale;
        _isNegative = isNegative;
    }

    /// <summary>Creates a value equal to <paramref name="value"/>, keeping its scale.</summary>
    public ExactDecimal(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        Validate(text.AsSpan(), out var precision, out var scale, out var isNegative);
        _text = text;
        _precision = (byte)precision;
        _scale = (byte)scale;
        _isNegative = isNegative;
    }

    private enum Status
    {
        Ok,
        Malformed,
        TooLarge,
    }

    /// <summary>Significant digits: integer digits without leading zeros plus <see cref="Scale"/>, at least 1.</summary>
    public int Precision => _text is null ? 1 : _precision;

    /// <summary>Digits after the decimal point, trailing zeros included.</summary>
    public int Scale => _scale;

    /// <summary>True when the value is less than zero (never for zero written as "-0").</summary>
    public bool IsNegative => _isNegative;

    private string Text => _text ?? "0";

    /// <summary>
    /// Parses text of the form <c>[-]digits[.digits]</c> (no exponent, no group separators, no
    /// leading '+'), as the server prints DECIMAL values.
    /// </summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    /// <exception cref="OverflowException">The text has more than 65 significant digits or 38 decimal places.</exception>
    public static ExactDecimal Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var status = Validate(s.AsSpan(), out var precision, out var scale, out var isNegative);
        ThrowIfFailed(status, s);
        return new ExactDecimal(s, precision, scale, isNegative);
    }

    /// <summary>Parses text as <see cref="Parse(string)"/> does, without throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out ExactDecimal result)
    {
        if (Validate(s, out var precision, out var scale, out var isNegative) != Status.Ok)
        {
            result = default;
            return false;
        }
        result = new ExactDecimal(s.ToString(), precision, scale, isNegative);
        return true;
    }

    /// <summary>Parses the ASCII text of a DECIMAL as sent by the server.</summary>
    internal static ExactDecimal Parse(ReadOnlySpan<byte> ascii)
    {
        if (TryParse(ascii, out var result))
        {
            return result;
        }
        var text = Encoding.Latin1.GetString(ascii);
        ThrowIfFailed(Validate(ascii, out _, out _, out _), text);
        return result;
    }

    /// <summary>Parses the ASCII text of a DECIMAL without throwing.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> ascii, out ExactDecimal result) => TryParse(ascii, out result, out _);

    /// <summary>Parses the ASCII text of a DECIMAL without throwing, telling bad syntax from too many digits.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> ascii, out ExactDecimal result, out bool malformed)
    {
        var status = Validate(ascii, out var precision, out var scale, out var isNegative);
        malformed = status == Status.Malformed;
        if (status != Status.Ok)
        {
            result = default;
            return false;
        }
        // Validated text is pure ASCII, which Latin1 widens byte for byte.
        result = new ExactDecimal(Encoding.Latin1.GetString(ascii), precision, scale, isNegative);
        return true;
    }

    /// <summary>
    /// Converts to <see cref="decimal"/> when that loses nothing. The scale is kept when it fits;
    /// otherwise only trailing zeros are dropped (1.000…0 with 30 places becomes 1 with 28 places).
    /// </summary>
    public bool TryToDecimal(out decimal value) => TryToDecimal(Text.AsSpan(), out value) == Status.Ok;

    /// <summary>Converts to <see cref="decimal"/> exactly, as <see cref="TryToDecimal(out decimal)"/> does.</summary>
    /// <exception cref="OverflowException">The value cannot be represented exactly as a <see cref="decimal"/>.</exception>
    public decimal ToDecimal() =>
        TryToDecimal(out var value)
            ? value
            : throw new OverflowException(string.Create(CultureInfo.InvariantCulture,
                $"The DECIMAL value {Text} cannot be represented exactly as System.Decimal (at most 28-29 significant digits and 28 decimal places); keep it as ExactDecimal."));

    /// <summary>The nearest <see cref="double"/>.</summary>
    public double ToDouble() => double.Parse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    /// <summary>The exact text the value was created from.</summary>
    public override string ToString() => Text;

    /// <inheritdoc />
    public bool Equals(ExactDecimal other) => CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ExactDecimal other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        Split(out var integer, out var fraction);
        if (integer.IsEmpty && fraction.IsEmpty)
        {
            return 0;
        }
        return HashCode.Combine(_isNegative, string.GetHashCode(integer, StringComparison.Ordinal), string.GetHashCode(fraction, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public int CompareTo(ExactDecimal other)
    {
        var sign = Sign();
        var otherSign = other.Sign();
        if (sign != otherSign)
        {
            return sign.CompareTo(otherSign);
        }
        if (sign == 0)
        {
            return 0;
        }
        var magnitude = CompareMagnitude(other);
        return sign > 0 ? magnitude : -magnitude;
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        ExactDecimal other => CompareTo(other),
        _ => throw new ArgumentException("Object must be of type ExactDecimal.", nameof(obj)),
    };

    /// <summary>Numeric equality.</summary>
    public static bool operator ==(ExactDecimal left, ExactDecimal right) => left.Equals(right);

    /// <summary>Numeric inequality.</summary>
    public static bool operator !=(ExactDecimal left, ExactDecimal right) => !left.Equals(right);

    /// <summary>Numeric ordering.</summary>
    public static bool operator <(ExactDecimal left, ExactDecimal right) => left.CompareTo(right) < 0;

    /// <summary>Numeric ordering.</summary>
    public static bool operator >(ExactDecimal left, ExactDecimal right) => left.CompareTo(right) > 0;

    /// <summary>Numeric ordering.</summary>
    public static bool operator <=(ExactDecimal left, ExactDecimal right) => left.CompareTo(right) <= 0;

    /// <summary>Numeric ordering.</summary>
    public static bool operator >=(ExactDecimal left, ExactDecimal right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Converts validated or unvalidated DECIMAL text (chars or ASCII bytes) to <see cref="decimal"/>
    /// exactly; false when malformed or not representable.
    /// </summary>
    internal static bool TryParseExactDecimal<T>(ReadOnlySpan<T> text, out decimal value, out bool malformed)
        where T : unmanaged, IBinaryInteger<T>
    {
        var status = TryToDecimal(text, out value);
        malformed = status == Status.Malformed;
        return status == Status.Ok;
    }

    private int Sign()
    {
        if (_isNegative)
        {
            return -1;
        }
        Split(out var integer, out var fraction);
        return integer.IsEmpty && fraction.IsEmpty ? 0 : 1;
    }

    private int CompareMagnitude(ExactDecimal other)
    {
        Split(out var integer, out var fraction);
        other.Split(out var otherInteger, out var otherFraction);
        if (integer.Length != otherInteger.Length)
        {
            return integer.Length < otherInteger.Length ? -1 : 1;
        }
        var result = integer.SequenceCompareTo(otherInteger);
        if (result == 0)
        {
            // Trailing zeros are trimmed, so plain lexicographic order is numeric order here.
            result = fraction.SequenceCompareTo(otherFraction);
        }
        return Math.Sign(result);
    }

    /// <summary>The digits that carry value: integer part without leading zeros, fraction without trailing zeros.</summary>
    private void Split(out ReadOnlySpan<char> integer, out ReadOnlySpan<char> fraction)
    {
        var text = Text.AsSpan();
        if (text[0] == '-')
        {
            text = text[1..];
        }
        var point = text.IndexOf('.');
        integer = (point < 0 ? text : text[..point]).TrimStart('0');
        fraction = point < 0 ? default : text[(point + 1)..].TrimEnd('0');
    }

    private static void ThrowIfFailed(Status status, string text)
    {
        switch (status)
        {
            case Status.Malformed:
                throw new FormatException($"'{text}' is not a DECIMAL value; expected [-]digits[.digits].");
            case Status.TooLarge:
                throw new OverflowException($"'{text}' has more than {MaxPrecision} significant digits or more than {MaxScale} decimal places.");
        }
    }

    private static bool IsDigit<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(c) - '0' <= 9;

    private static bool Is<T>(T c, char expected)
        where T : unmanaged, IBinaryInteger<T> => uint.CreateTruncating(c) == expected;

    /// <summary>Finds the parts of <c>[-]digits[.digits]</c>.</summary>
    private static Status Scan<T>(ReadOnlySpan<T> s, out bool hasSign, out int integerStart, out int integerEnd, out int fractionStart, out int fractionEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = 0;
        hasSign = s.Length > 0 && Is(s[0], '-');
        if (hasSign)
        {
            i = 1;
        }
        integerStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }
        integerEnd = i;
        fractionStart = fractionEnd = i;
        if (integerEnd == integerStart)
        {
            return Status.Malformed;
        }
        if (i == s.Length)
        {
            return Status.Ok;
        }
        if (!Is(s[i], '.'))
        {
            return Status.Malformed;
        }
        fractionStart = ++i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }
        fractionEnd = i;
        return fractionEnd == fractionStart || i != s.Length ? Status.Malformed : Status.Ok;
    }

    private static Status Validate<T>(ReadOnlySpan<T> s, out int precision, out int scale, out bool isNegative)
        where T : unmanaged, IBinaryInteger<T>
    {
        precision = scale = 0;
        isNegative = false;
        var status = Scan(s, out var hasSign, out var integerStart, out var integerEnd, out var fractionStart, out var fractionEnd);
        if (status != Status.Ok)
        {
            return status;
        }
        var significant = integerStart;
        while (significant < integerEnd && Is(s[significant], '0'))
        {
            significant++;
        }
        scale = fractionEnd - fractionStart;
        precision = Math.Max(1, integerEnd - significant + scale);
        if (precision > MaxPrecision || scale > MaxScale)
        {
            return Status.TooLarge;
        }
        if (hasSign)
        {
            var nonZero = significant < integerEnd;
            for (var i = fractionStart; !nonZero && i < fractionEnd; i++)
            {
                nonZero = !Is(s[i], '0');
            }
            isNegative = nonZero;
        }
        return Status.Ok;
    }

    private static Status TryToDecimal<T>(ReadOnlySpan<T> s, out decimal value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0m;
        var status = Scan(s, out var hasSign, out var integerStart, out var integerEnd, out var fractionStart, out var fractionEnd);
        if (status != Status.Ok)
        {
            return status;
        }
        var significant = integerStart;
        while (significant < integerEnd && Is(s[significant], '0'))
        {
            significant++;
        }
        var scale = fractionEnd - fractionStart;
        var trailingZeros = 0;
        while (trailingZeros < scale && Is(s[fractionEnd - 1 - trailingZeros], '0'))
        {
            trailingZeros++;
        }
        // System.Decimal allows 28 places and fewer than 30 digits; only zeros may be given up.
        var digits = integerEnd - significant + scale;
        var drop = Math.Max(0, Math.Max(scale - 28, digits - 29));
        if (drop > trailingZeros)
        {
            return Status.TooLarge;
        }

        ulong small = 0;
        UInt128 mantissa = 0;
        var count = 0;
        Accumulate(s[significant..integerEnd], ref small, ref mantissa, ref count);
        Accumulate(s[fractionStart..(fractionEnd - drop)], ref small, ref mantissa, ref count);
        if (count <= 19)
        {
            mantissa = small;
        }
        while (mantissa > MaxDecimalMantissa)
        {
            if (drop == trailingZeros)
            {
                return Status.TooLarge;
            }
            mantissa /= 10;
            drop++;
        }
        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64),
            hasSign && mantissa != UInt128.Zero, (byte)(scale - drop));
        return Status.Ok;
    }

    // Most values have at most 19 digits, which a 64-bit accumulator handles much faster.
    private static void Accumulate<T>(ReadOnlySpan<T> digits, ref ulong small, ref UInt128 mantissa, ref int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var c in digits)
        {
            var d = uint.CreateTruncating(c) - '0';
            if (count < 19)
            {
                small = (small * 10) + d;
            }
            else
            {
                if (count == 19)
                {
                    mantissa = small;
                }
                mantissa = (mantissa * 10) + d;
            }
            count++;
        }
    }
}
