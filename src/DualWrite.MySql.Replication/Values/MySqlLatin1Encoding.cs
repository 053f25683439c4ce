using System.Buffers;
using System.Text;

namespace DualWrite.MySql.Values;

/// <summary>
/// The server's "latin1" character set: Windows-1252, with the five positions 1252 leaves
/// unassigned (0x81, 0x8D, 0x8F, 0x90, 0x9D) mapped to the C1 controls of the same value, so
/// every byte decodes to a distinct char and encodes back to itself.
/// </summary>
/// <remarks>
/// This is exactly the WHATWG "windows-1252" index, hence the web name. Chars the set cannot hold
/// encode as '?', one per code point, as the server does when it converts to latin1.
/// https://dev.mysql.com/doc/refman/8.4/en/charset-we-sets.html
/// </remarks>
internal sealed class MySqlLatin1Encoding : Encoding
{
    public static readonly MySqlLatin1Encoding Instance = new();

    // Chars for bytes 0x80..0x9F; every other byte is the char of the same value.
    private const string High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private const byte Unmappable = (byte)'?';

    public override string WebName => "windows-1252";

    public override string EncodingName => "MySQL latin1 (windows-1252)";

    public override bool IsSingleByte => true;

    /// <summary>Decodes bytes straight into a new string, without the intermediate copy the base class makes.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? string.Empty : string.Create(bytes.Length, bytes, static (chars, source) => Widen(source, chars));

    public override int GetByteCount(char[] chars, int index, int count) => GetByteCount(chars.AsSpan(index, count));

    public override int GetByteCount(ReadOnlySpan<char> chars)
    {
        var count = chars.Length;
        for (var i = 0; i + 1 < chars.Length; i++)
        {
            if (char.IsSurrogatePair(chars[i], chars[i + 1]))
            {
                count--;
                i++;
            }
        }
        return count;
    }

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        var written = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            byte b;
            if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
            {
                b = (byte)c;
            }
            else
            {
                var index = High.IndexOf(c, StringComparison.Ordinal);
                b = index >= 0 ? (byte)(0x80 + index) : Unmappable;
                if (i + 1 < chars.Length && char.IsSurrogatePair(c, chars[i + 1]))
                {
                    i++;
                }
            }
            if (written >= bytes.Length)
            {
                throw new ArgumentException("The destination buffer is too small.", nameof(bytes));
            }
            bytes[written++] = b;
        }
        return written;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => GetCharCount(bytes.AsSpan(index, count));

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => bytes.Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        if (chars.Length < bytes.Length)
        {
            throw new ArgumentException("The destination buffer is too small.", nameof(chars));
        }
        Widen(bytes, chars);
        return bytes.Length;
    }

    public override string GetString(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count));

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;

    // The base class compares code pages, and every custom encoding reports code page 0.
    public override bool Equals(object? value) => value is MySqlLatin1Encoding;

    public override int GetHashCode() => typeof(MySqlLatin1Encoding).GetHashCode();

    private static void Widen(ReadOnlySpan<byte> source, Span<char> destination)
    {
        // Text is mostly ASCII; the vectorised copy stops at the first byte that needs the table.
        var status = Ascii.ToUtf16(source, destination, out var done);
        if (status == OperationStatus.Done)
        {
            return;
        }
        for (var i = done; i < source.Length; i++)
        {
            var b = source[i];
            destination[i] = b is >= 0x80 and < 0xA0 ? High[b - 0x80] : (char)b;
        }
    }
}
