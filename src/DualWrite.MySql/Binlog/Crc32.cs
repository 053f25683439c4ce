using System.Buffers.Binary;

namespace DualWrite.MySql.Binlog;

/// <summary>
/// IEEE 802.3 CRC-32 (reflected, polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF): the algorithm of
/// binlog_checksum=CRC32. Slicing-by-8: eight 256-entry tables let the loop fold eight input bytes per step.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Log__event__footer.html</remarks>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    // Table k maps a byte to the CRC of that byte followed by k zero bytes.
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC-32: <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table.AsSpan();
        var c = ~crc;
        while (data.Length >= 8)
        {
            var lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ c;
            var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c = table[(7 * 256) + (int)(lo & 0xFF)]
                ^ table[(6 * 256) + (int)((lo >> 8) & 0xFF)]
                ^ table[(5 * 256) + (int)((lo >> 16) & 0xFF)]
                ^ table[(4 * 256) + (int)(lo >> 24)]
                ^ table[(3 * 256) + (int)(hi & 0xFF)]
                ^ table[(2 * 256) + (int)((hi >> 8) & 0xFF)]
                ^ table[256 + (int)((hi >> 16) & 0xFF)]
                ^ table[(int)(hi >> 24)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            c = table[(int)((c ^ b) & 0xFF)] ^ (c >> 8);
        }

        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (var i = 0; i < 256; i++)
        {
            var c = (uint)i;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        for (var k = 1; k < 8; k++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((k - 1) * 256) + i];
                table[(k * 256) + i] = table[(int)(previous & 0xFF)] ^ (previous >> 8);
            }
        }

        return table;
    }
}
