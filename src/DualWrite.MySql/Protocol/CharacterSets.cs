using System.Text;

namespace DualWrite.MySql.Protocol;

/// <summary>Maps collation ids to the encodings of their character sets.</summary>
internal static class CharacterSets
{
    public const ushort BinaryCollationId = 63;
    public const byte Utf8Mb4GeneralCi = 45;

    public static Encoding GetEncoding(int collationId) => Encoding.UTF8;
}
