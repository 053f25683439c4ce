using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderStringTests
{
    [Fact]
    public void Decode_Utf8Mb4FourByteCharacters_ReturnsString()
    {
        const string Sample = "naïve 😀 𝄞 漢字";
        TextValueDecoder.Decode(Encoding.UTF8.GetBytes(Sample), Text(MySqlColumnType.VarString, Utf8Mb4))
            .Should().BeOfType<string>().Which.Should().Be(Sample);
    }

    [Fact]
    public void Decode_Utf8Mb4_0900Collation_ReturnsString() =>
        TextValueDecoder.Decode(Encoding.UTF8.GetBytes("Grüße 🎉"), Text(MySqlColumnType.Blob, 255)).Should().Be("Grüße 🎉");

    [Fact]
    public void Decode_Utf8Mb3_ReturnsString() =>
        TextValueDecoder.Decode(Encoding.UTF8.GetBytes("€ and ß"), Text(MySqlColumnType.String, Utf8Mb3)).Should().Be("€ and ß");

    [Fact]
    public void Decode_Latin1Bytes80To9F_MapLikeTheServer()
    {
        var bytes = Enumerable.Range(0x80, 32).Select(b => (byte)b).ToArray();
        const string Expected = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
            + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
        TextValueDecoder.Decode(bytes, Text(MySqlColumnType.VarString, Latin1)).Should().Be(Expected);
    }

    [Fact]
    public void Decode_Latin1MixedText_DecodesAsciiAndHighBytes() =>
        TextValueDecoder.Decode(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', 0x80, (byte)'5' }, Text(MySqlColumnType.VarString, Latin1))
            .Should().Be("café €5");

    [Fact]
    public void Decode_BinaryString_ReturnsBytes()
    {
        var bytes = new byte[] { 0x00, 0xFF, 0x80, 0x41 };
        var value = TextValueDecoder.Decode(bytes, Text(MySqlColumnType.VarString, Binary)).Should().BeOfType<byte[]>().Which;
        value.Should().Equal(bytes);
        TextValueDecoder.GetFieldType(Text(MySqlColumnType.Blob, Binary)).Should().Be(typeof(byte[]));
    }

    [Fact]
    public void Decode_TextBlob_ReturnsString()
    {
        TextValueDecoder.GetFieldType(Text(MySqlColumnType.Blob, Utf8Mb4)).Should().Be(typeof(string));
        TextValueDecoder.Decode("x"u8, Text(MySqlColumnType.LongBlob, Utf8Mb4)).Should().Be("x");
    }

    [Fact]
    public void Decode_EmptyString_ReturnsEmpty() =>
        TextValueDecoder.Decode(ReadOnlySpan<byte>.Empty, Text(MySqlColumnType.VarString, Utf8Mb4)).Should().Be(string.Empty);

    [Fact]
    public void Decode_EnumWithBinaryCollation_ReturnsString() =>
        TextValueDecoder.Decode("small"u8, Of(MySqlColumnType.String, ColumnFlags.Enum, Binary)).Should().Be("small");

    [Fact]
    public void Decode_Set_ReturnsString() =>
        TextValueDecoder.Decode("a,b"u8, Of(MySqlColumnType.String, ColumnFlags.Set, Utf8Mb4)).Should().Be("a,b");

    [Fact]
    public void Decode_MySqlJsonWithBinaryCollation_ReturnsUtf8String() =>
        TextValueDecoder.Decode(Encoding.UTF8.GetBytes("{\"k\": \"ü\"}"), Of(MySqlColumnType.Json, collation: Binary))
            .Should().BeOfType<string>().Which.Should().Be("{\"k\": \"ü\"}");

    [Fact]
    public void Decode_Geometry_ReturnsBytes() =>
        TextValueDecoder.Decode(new byte[] { 0, 0, 0, 0, 1, 1 }, Of(MySqlColumnType.Geometry)).Should().BeOfType<byte[]>().Which.Should().HaveCount(6);

    [Fact]
    public void Decode_NullType_ReturnsDBNull() =>
        TextValueDecoder.Decode(ReadOnlySpan<byte>.Empty, Of(MySqlColumnType.Null)).Should().BeSameAs(DBNull.Value);

    [Fact]
    public void Decode_Utf16Collation_ReadsBigEndian() =>
        TextValueDecoder.Decode(new byte[] { 0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00 }, Text(MySqlColumnType.VarString, 54)).Should().Be("A😀");

    [Fact]
    public void Decode_Utf32Collation_ReadsBigEndian() =>
        TextValueDecoder.Decode(new byte[] { 0, 0, 0, 0x41, 0, 0x01, 0xF6, 0x00 }, Text(MySqlColumnType.VarString, 60)).Should().Be("A😀");

    [Fact]
    public void DecodeString_IntColumn_ReturnsDigits() =>
        TextValueDecoder.DecodeString("-42"u8, Of(MySqlColumnType.Long)).Should().Be("-42");

    [Fact]
    public void DecodeString_BitColumn_ReturnsDecimalValue() =>
        TextValueDecoder.DecodeString(new byte[] { 0x01, 0x00 }, Unsigned(MySqlColumnType.Bit)).Should().Be("256");

    [Fact]
    public void Decode_UnsupportedCharacterSet_ThrowsInvalidValue()
    {
        var act = () => TextValueDecoder.Decode("x"u8, Text(MySqlColumnType.VarString, 28)); // gbk_chinese_ci
        act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("28"));
    }
}
