using System.Buffers;
using System.Text;
using DualWrite.MySql.Protocol.Text;

namespace DualWrite.MySql.Tests.Unit.Values;

public class SqlLiteralWriterEscapingTests
{
    internal static string Literal(object? value, bool noBackslashEscapes = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SqlLiteralWriter.Write(buffer, value, noBackslashEscapes);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Write_InjectionAttempt_StaysInsideTheLiteral()
    {
        Literal("x' OR '1'='1").Should().Be(@"'x\' OR \'1\'=\'1'");
        Literal("x' OR '1'='1", noBackslashEscapes: true).Should().Be("'x'' OR ''1''=''1'");
    }

    [Fact]
    public void Write_BackslashBeforeQuote_CannotEscapeTheClosingQuote()
    {
        Literal(@"\'; DROP TABLE t; --").Should().Be(@"'\\\'; DROP TABLE t; --'");
        Literal(@"trailing\").Should().Be(@"'trailing\\'");
    }

    [Fact]
    public void Write_NoBackslashEscapes_LeavesBackslashesAlone() =>
        Literal(@"C:\path\'x", noBackslashEscapes: true).Should().Be(@"'C:\path\''x'");

    [Fact]
    public void Write_ControlCharacters_AreEscapedInBackslashMode() =>
        Literal("a\0b\nc\rd\u001Ae\"f").Should().Be("'a\\0b\\nc\\rd\\Ze\\\"f'");

    [Fact]
    public void Write_ControlCharacters_PassThroughInNoBackslashMode() =>
        Literal("a\0b\nc\"d", noBackslashEscapes: true).Should().Be("'a\0b\nc\"d'");

    [Fact]
    public void Write_Unicode_IsUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SqlLiteralWriter.Write(buffer, "é😀", false);
        buffer.WrittenSpan.ToArray().Should().Equal((byte)'\'', 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, (byte)'\'');
    }

    [Fact]
    public void Write_EmptyString_IsTwoQuotes() => Literal(string.Empty).Should().Be("''");

    [Fact]
    public void Write_Char_IsQuotedAndEscaped()
    {
        Literal('\'').Should().Be(@"'\''");
        Literal('\'', noBackslashEscapes: true).Should().Be("''''");
        Literal('z').Should().Be("'z'");
    }

    [Fact]
    public void Write_ReadOnlyMemoryOfChar_WritesOnlyTheSlice() =>
        Literal("abc'def".AsMemory(2, 3)).Should().Be(@"'c\'d'");

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
    public void Write_LongStringWithQuotes_EscapesEveryQuote()
    {
        var text = string.Concat(Enumerable.Repeat("ab'😀\\", 50_000));
        var literal = Literal(text);
        literal.Should().Be("'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'");
    }
}
