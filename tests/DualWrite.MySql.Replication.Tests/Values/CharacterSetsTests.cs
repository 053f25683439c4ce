using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Values;

public class CharacterSetsTests
{
    [Theory]
    [InlineData(45, "utf8mb4")]
    [InlineData(46, "utf8mb4")]
    [InlineData(224, "utf8mb4")]
    [InlineData(255, "utf8mb4")] // utf8mb4_0900_ai_ci
    [InlineData(309, "utf8mb4")] // utf8mb4_0900_bin
    [InlineData(323, "utf8mb4")]
    [InlineData(1069, "utf8mb4")] // utf8mb4_general_nopad_ci
    [InlineData(2304, "utf8mb4")] // utf8mb4_uca1400_ai_ci
    [InlineData(33, "utf8mb3")]
    [InlineData(76, "utf8mb3")] // utf8mb3_tolower_ci
    [InlineData(83, "utf8mb3")]
    [InlineData(192, "utf8mb3")]
    [InlineData(2048, "utf8mb3")]
    [InlineData(8, "latin1")]
    [InlineData(47, "latin1")]
    [InlineData(1071, "latin1")]
    [InlineData(11, "ascii")]
    [InlineData(65, "ascii")]
    [InlineData(63, "binary")]
    [InlineData(35, "ucs2")]
    [InlineData(159, "ucs2")]
    [InlineData(54, "utf16")]
    [InlineData(124, "utf16")]
    [InlineData(56, "utf16le")]
    [InlineData(62, "utf16le")]
    [InlineData(60, "utf32")]
    [InlineData(183, "utf32")]
    public void GetCharsetName_KnownCollation_ReturnsCharset(int collationId, string charset) =>
        CharacterSets.GetCharsetName(collationId).Should().Be(charset);

    [Theory]
    [InlineData(0)]
    [InlineData(1)] // big5
    [InlineData(28)] // gbk
    [InlineData(248)] // gb18030 in MySQL
    [InlineData(4000)]
    public void TryGetEncoding_UnsupportedCollation_ReturnsFalse(int collationId)
    {
        CharacterSets.TryGetEncoding(collationId, out _).Should().BeFalse();
        CharacterSets.GetCharsetName(collationId).Should().BeNull();
    }

    [Fact]
    public void UnsupportedCollation_InARowsEvent_IsBinlogUnsupportedNamingTheId()
    {
        // No encoding is guessed for gbk: the decoder refuses the column rather than decode it wrongly.
        var act = () => Decode(Column(MySqlColumnType.VarChar, 30, collation: 28), "026869");

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogUnsupported && e.Message.Contains("collation id 28"));
    }

    [Fact]
    public void TryGetEncoding_Utf8Mb4_EncodesSupplementaryCharacters() =>
        EncodingOf(45).GetBytes("😀").Should().Equal(0xF0, 0x9F, 0x98, 0x80);

    [Fact]
    public void TryGetEncoding_Ucs2AndUtf16_AreBigEndian()
    {
        EncodingOf(35).GetBytes("A").Should().Equal(0x00, 0x41);
        EncodingOf(54).GetBytes("A").Should().Equal(0x00, 0x41);
        EncodingOf(56).GetBytes("A").Should().Equal(0x41, 0x00);
    }

    [Fact]
    public void TryGetEncoding_Utf32_IsBigEndian() =>
        EncodingOf(60).GetBytes("A").Should().Equal(0, 0, 0, 0x41);

    [Fact]
    public void TryGetEncoding_Latin1_IsServerLatin1() =>
        EncodingOf(8).GetString(new byte[] { 0x80, 0x81 }).Should().Be("\u20AC\u0081");

    [Fact]
    public void TryGetEncoding_Ascii_DecodesAscii() =>
        EncodingOf(11).GetString("abc"u8.ToArray()).Should().Be("abc");

    [Fact]
    public void TryGetEncoding_Binary_MapsEveryByteToOneChar()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var encoding = EncodingOf(63);
        encoding.GetBytes(encoding.GetString(bytes)).Should().Equal(bytes);
    }

    [Fact]
    public void TryGetEncoding_Utf8_HasNoPreamble() =>
        EncodingOf(45).GetPreamble().Should().BeEmpty();

    [Fact]
    public void Constants_MatchServerIds()
    {
        CharacterSets.BinaryCollationId.Should().Be(63);
        CharacterSets.Utf8Mb4GeneralCi.Should().Be(45);
        Encoding.UTF8.GetString(EncodingOf(CharacterSets.Utf8Mb4GeneralCi).GetBytes("ü")).Should().Be("ü");
    }

    private static Encoding EncodingOf(int collationId)
    {
        CharacterSets.TryGetEncoding(collationId, out var encoding).Should().BeTrue($"collation {collationId} is supported");
        return encoding;
    }
}
