using System.Globalization;
using System.Text;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Protocol;

/// <summary>Maps collation ids to the encodings of their character sets.</summary>
/// <remarks>
/// Ids are those of MariaDB 10.x/11.x (information_schema.COLLATION_CHARACTER_SET_APPLICABILITY,
/// including the 1024+ NOPAD and 2048+ UCA-14.0.0 blocks) and MySQL 8 (including utf8mb4_*_0900_*).
/// https://dev.mysql.com/doc/refman/8.4/en/charset-charsets.html
/// </remarks>
internal static class CharacterSets
{
    public const ushort BinaryCollationId = 63;
    public const byte Utf8Mb4GeneralCi = 45;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
    private static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false);

    private enum Charset : byte
    {
        None,
        Utf8Mb4,
        Utf8Mb3,
        Latin1,
        Ascii,
        Binary,
        Ucs2,
        Utf16,
        Utf16Le,
        Utf32,
    }

    /// <summary>Looks up the encoding of the collation's character set.</summary>
    /// <remarks>
    /// Binary (63) yields ISO-8859-1 so that every byte maps to one char; callers read binary
    /// values as byte arrays rather than text.
    /// </remarks>
    public static bool TryGetEncoding(int collationId, out Encoding encoding)
    {
        Encoding? found = Lookup(collationId) switch
        {
            Charset.Utf8Mb4 or Charset.Utf8Mb3 => Utf8,
            Charset.Latin1 => MySqlLatin1Encoding.Instance,
            Charset.Ascii => Encoding.ASCII,
            Charset.Binary => Encoding.Latin1,
            // ucs2 is UTF-16 restricted to the BMP, stored big-endian like utf16.
            Charset.Ucs2 or Charset.Utf16 => Utf16BigEndian,
            Charset.Utf16Le => Utf16LittleEndian,
            Charset.Utf32 => Utf32BigEndian,
            _ => null,
        };
        encoding = found ?? Utf8;
        return found is not null;
    }

    /// <summary>The server's name of the collation's character set, or null when unknown.</summary>
    public static string? GetCharsetName(int collationId) => Lookup(collationId) switch
    {
        Charset.Utf8Mb4 => "utf8mb4",
        Charset.Utf8Mb3 => "utf8mb3",
        Charset.Latin1 => "latin1",
        Charset.Ascii => "ascii",
        Charset.Binary => "binary",
        Charset.Ucs2 => "ucs2",
        Charset.Utf16 => "utf16",
        Charset.Utf16Le => "utf16le",
        Charset.Utf32 => "utf32",
        _ => null,
    };

    /// <summary>True when the collation's character set is utf8mb4 or utf8mb3.</summary>
    public static bool IsUtf8(int collationId) => Lookup(collationId) is Charset.Utf8Mb4 or Charset.Utf8Mb3;

    // MariaDB numbers NOPAD variants as base id + 1024, and UCA-14.0.0 collations in one
    // 256-id block per character set starting at 2048 (utf8mb3, utf8mb4, ucs2, utf16, utf32).
    private static Charset Lookup(int id) => id switch
    {
        45 or 46 or (>= 224 and <= 247) or (>= 255 and <= 323) or (>= 608 and <= 610)
            or 1069 or 1070 or 1248 or 1270 or (>= 2304 and <= 2559) => Charset.Utf8Mb4,
        33 or 76 or 83 or (>= 192 and <= 215) or 223 or (>= 576 and <= 578)
            or 1057 or 1107 or 1216 or 1238 or (>= 2048 and <= 2303) => Charset.Utf8Mb3,
        5 or 8 or 15 or 31 or 47 or 48 or 49 or 94 or 1032 or 1071 => Charset.Latin1,
        11 or 65 or 1035 or 1089 => Charset.Ascii,
        BinaryCollationId => Charset.Binary,
        35 or 90 or (>= 128 and <= 151) or 159 or (>= 640 and <= 642)
            or 1059 or 1114 or 1152 or 1174 or (>= 2560 and <= 2815) => Charset.Ucs2,
        54 or 55 or (>= 101 and <= 124) or (>= 672 and <= 674)
            or 1078 or 1079 or 1125 or 1147 or (>= 2816 and <= 3071) => Charset.Utf16,
        56 or 62 or 1080 or 1086 => Charset.Utf16Le,
        60 or 61 or (>= 160 and <= 183) or (>= 736 and <= 738)
            or 1084 or 1085 or 1184 or 1206 or (>= 3072 and <= 3327) => Charset.Utf32,
        _ => Charset.None,
    };
}
