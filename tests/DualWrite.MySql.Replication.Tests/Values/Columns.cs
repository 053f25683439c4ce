using System.Text;
using DualWrite.MySql.Replication.Protocol;

namespace DualWrite.MySql.Replication.Tests.Values;

/// <summary>Column definitions and byte fixtures shaped like the server's.</summary>
internal static class Columns
{
    public const ushort Binary = CharacterSets.BinaryCollationId;
    public const ushort Utf8Mb4 = CharacterSets.Utf8Mb4GeneralCi;
    public const ushort Utf8Mb3 = 33;
    public const ushort Latin1 = 8;

    public static ColumnDefinition Of(MySqlColumnType type, ColumnFlags flags = ColumnFlags.None, ushort collation = Binary,
        uint length = 0, byte decimals = 0, string name = "c") =>
        new() { Name = name, Type = type, Flags = flags, CollationId = collation, ColumnLength = length, Decimals = decimals };

    public static ColumnDefinition Unsigned(MySqlColumnType type) => Of(type, ColumnFlags.Unsigned);

    /// <summary>DECIMAL(precision, scale): the server reports digits + point + sign as the length.</summary>
    public static ColumnDefinition Decimal(int precision, int scale, bool unsigned = false) =>
        Of(MySqlColumnType.NewDecimal, unsigned ? ColumnFlags.Unsigned : ColumnFlags.None,
            length: (uint)(precision + (scale > 0 ? 1 : 0) + (unsigned ? 0 : 1)), decimals: (byte)scale);

    public static ColumnDefinition Text(MySqlColumnType type, ushort collation) => Of(type, collation: collation);

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);
}
