using System.Buffers;
using System.Text;
using DualWrite.MySql.Replication.Protocol.Text;

namespace DualWrite.MySql.Tests.Unit.Values;

public class SqlLiteralWriterEscapingTests
{
    internal static string Literal(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SqlLiteralWriter.Write(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Write_InjectionAttempt_StaysInsideTheLiteral() =>
        Literal("x' OR '1'='1").Should().Be("'x'' OR ''1''=''1'");

    [Theory]
    [InlineData(@"\'; DROP TABLE t; --", "_utf8mb4 X'5C273B2044524F50205441424C4520743B202D2D'")]
    [InlineData(@"trailing\", "_utf8mb4 X'747261696C696E675C'")]
    [InlineData(@"C:\path\'x", "_utf8mb4 X'433A5C706174685C2778'")]
    public void Write_Backslash_IsSentAsHexSoNeitherModeCanReadItAsAnEscape(string text, string expected) =>
        Literal(text).Should().Be(expected);

    [Fact]
    public void Write_Nul_IsSentAsHex() => Literal("a\0b").Should().Be("_utf8mb4 X'610062'");

    [Fact]
    public void Write_ControlCharactersWithoutBackslash_PassThroughQuoted() =>
        Literal("a\nb\rc\u001Ad\"e").Should().Be("'a\nb\rc\u001Ad\"e'");

    [Fact]
    public void Write_Unicode_IsUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SqlLiteralWriter.Write(buffer, "é😀");
        buffer.WrittenSpan.ToArray().Should().Equal((byte)'\'', 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, (byte)'\'');
    }

    [Fact]
    public void Write_UnicodeWithBackslash_HexIsItsUtf8() => Literal("é\\").Should().Be("_utf8mb4 X'C3A95C'");

    [Fact]
    public void Write_EmptyString_IsTwoQuotes() => Literal(string.Empty).Should().Be("''");

    [Fact]
    public void Write_Char_IsQuoted()
    {
        Literal('\'').Should().Be("''''");
        Literal('z').Should().Be("'z'");
        Literal('\\').Should().Be("_utf8mb4 X'5C'");
    }

    [Fact]
    public void Write_ReadOnlyMemoryOfChar_WritesOnlyTheSlice() =>
        Literal("abc'def".AsMemory(2, 3)).Should().Be("'c''d'");

    [Fact]
    public void Write_UnpairedSurrogate_ThrowsInvalidValue()
    {
        // Kept out of [InlineData]: the test runner's serialisation replaces lone surrogates.
        foreach (var text in new[] { "\uD800", "a\uDC00b", "x\uD83D'", "\uDE00\uD83D" })
        {
            var act = () => Literal(text);
            act.Should().Throw<MySqlException>().Where(e => e.Kind == MySqlErrorKind.InvalidValue && e.Message.Contains("surrogate"));
        }
    }

    [Fact]
    public void Write_LongStringWithQuotes_DoublesEveryQuote()
    {
        var text = string.Concat(Enumerable.Repeat("ab'😀", 50_000));
        var literal = Literal(text);
        literal.Should().Be("'" + text.Replace("'", "''", StringComparison.Ordinal) + "'");
    }

    [Fact]
    public void Write_LongStringWithBackslashes_IsItsUtf8InHex()
    {
        var text = string.Concat(Enumerable.Repeat("ab'😀\\", 50_000));
        var literal = Literal(text);
        literal.Should().Be("_utf8mb4 X'" + Convert.ToHexString(Encoding.UTF8.GetBytes(text)) + "'");
    }
}
