using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Values;

public class MySqlLatin1EncodingTests
{
    private static readonly Encoding Latin1 = MySqlLatin1Encoding.Instance;

    [Fact]
    public void RoundTrip_All256Bytes_ReturnsSameBytes()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var text = Latin1.GetString(bytes);
        text.Should().HaveLength(256);
        text.Distinct().Should().HaveCount(256);
        Latin1.GetBytes(text).Should().Equal(bytes);
    }

    [Theory]
    [InlineData(0x80, '\u20AC')]
    [InlineData(0x81, '\u0081')]
    [InlineData(0x8A, '\u0160')]
    [InlineData(0x8D, '\u008D')]
    [InlineData(0x8F, '\u008F')]
    [InlineData(0x90, '\u0090')]
    [InlineData(0x92, '\u2019')]
    [InlineData(0x9D, '\u009D')]
    [InlineData(0x9F, '\u0178')]
    [InlineData(0xA0, '\u00A0')]
    [InlineData(0xE9, '\u00E9')]
    [InlineData(0xFF, '\u00FF')]
    public void GetString_HighByte_MapsLikeTheServer(byte b, char expected) =>
        Latin1.GetString(new[] { b }).Should().Be(expected.ToString());

    [Fact]
    public void GetBytes_UnmappableCharacters_BecomeOneQuestionMarkEach()
    {
        // U+0080 has no latin1 byte (0x80 is the euro sign); a surrogate pair is one code point.
        Latin1.GetBytes("\u0080\u0100😀").Should().Equal((byte)'?', (byte)'?', (byte)'?');
        Latin1.GetByteCount("a😀b").Should().Be(3);
    }

    [Fact]
    public void GetBytes_EuroSign_Is0x80() =>
        Latin1.GetBytes("€").Should().Equal(0x80);

    [Fact]
    public void Decode_LongMostlyAsciiText_MatchesCharByCharDecoding()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i % 97 == 0 ? 0x80 + (i % 32) : 'a' + (i % 26))).ToArray();
        var expected = new string(bytes.Select(b => Latin1.GetString(new[] { b })[0]).ToArray());
        MySqlLatin1Encoding.Decode(bytes).Should().Be(expected);
        Latin1.GetString(bytes).Should().Be(expected);
    }

    [Fact]
    public void Decoder_StreamedInPieces_MatchesWholeDecoding()
    {
        var bytes = new byte[] { 0x41, 0x80, 0x9F, 0xFF };
        var decoder = Latin1.GetDecoder();
        var chars = new char[4];
        var first = decoder.GetChars(bytes, 0, 2, chars, 0);
        var second = decoder.GetChars(bytes, 2, 2, chars, first);
        new string(chars, 0, first + second).Should().Be("A\u20AC\u0178\u00FF");
    }

    [Fact]
    public void Names_IdentifyWindows1252() =>
        Latin1.WebName.Should().Be("windows-1252");
}
