using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderMalformedTests
{
    public static TheoryData<MySqlColumnType, bool, string> MalformedFixtures => new()
    {
        { MySqlColumnType.Tiny, false, "128" },
        { MySqlColumnType.Tiny, false, "-129" },
        { MySqlColumnType.Tiny, true, "256" },
        { MySqlColumnType.Tiny, true, "-1" },
        { MySqlColumnType.Short, false, "32768" },
        { MySqlColumnType.Long, false, "2147483648" },
        { MySqlColumnType.Long, false, "12a" },
        { MySqlColumnType.Long, false, "" },
        { MySqlColumnType.Long, false, "-" },
        { MySqlColumnType.Long, false, " 1" },
        { MySqlColumnType.LongLong, false, "9223372036854775808" },
        { MySqlColumnType.LongLong, false, "-9223372036854775809" },
        { MySqlColumnType.LongLong, true, "18446744073709551616" },
        { MySqlColumnType.LongLong, true, "99999999999999999999" },
        { MySqlColumnType.Year, true, "20x4" },
        { MySqlColumnType.Float, false, "abc" },
        { MySqlColumnType.Double, false, "1.2.3" },
        { MySqlColumnType.NewDecimal, false, "1.2.3" },
        { MySqlColumnType.NewDecimal, false, "1e5" },
        { MySqlColumnType.NewDecimal, false, ".5" },
        { MySqlColumnType.Date, false, "2024-13-01" },
        { MySqlColumnType.Date, false, "2024-1-01" },
        { MySqlColumnType.Date, false, "20240101" },
        { MySqlColumnType.DateTime, false, "2024-01-01T00:00:00" },
        { MySqlColumnType.DateTime, false, "2024-01-01 24:00:00" },
        { MySqlColumnType.DateTime, false, "2024-01-01 00:00:00." },
        { MySqlColumnType.DateTime, false, "2024-01-01 00:00:00.1234567" },
        { MySqlColumnType.Time, false, "12:60:00" },
        { MySqlColumnType.Time, false, "12:00" },
        { MySqlColumnType.Time, false, "12:00:00.x" },
        { MySqlColumnType.Time, false, "-" },
    };

    [Theory]
    [MemberData(nameof(MalformedFixtures))]
    public void Decode_MalformedBytes_ThrowsProtocolMySqlException(MySqlColumnType type, bool unsigned, string text)
    {
        var column = Of(type, unsigned ? ColumnFlags.Unsigned : ColumnFlags.None, length: 10, name: "broken");
        var act = () => TextValueDecoder.Decode(Ascii(text), column);
        act.Should().Throw<MySqlException>()
            .Where(e => e.Kind == MySqlErrorKind.Protocol && e.Message.Contains("'broken'") && e.Message.Contains(type.ToString()));
    }

    [Fact]
    public void Decode_BitLongerThanEightBytes_ThrowsProtocol()
    {
        var act = () => TextValueDecoder.Decode(new byte[9], Unsigned(MySqlColumnType.Bit));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.Protocol);
    }

    [Fact]
    public void Decode_EmptyBit_ThrowsProtocol()
    {
        var act = () => TextValueDecoder.Decode(ReadOnlySpan<byte>.Empty, Unsigned(MySqlColumnType.Bit));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.Protocol);
    }

    [Fact]
    public void Decode_UnsupportedColumnType_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.Decode("x"u8, Of(MySqlColumnType.TypedArray));
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("TypedArray"));
    }

    [Fact]
    public void Decode_LongMalformedValue_TruncatesTheQuotedBytes()
    {
        var act = () => TextValueDecoder.Decode(Ascii(new string('x', 10_000)), Of(MySqlColumnType.Long));
        act.Should().Throw<MySqlException>().Which.Message.Length.Should().BeLessThan(300);
    }
}
