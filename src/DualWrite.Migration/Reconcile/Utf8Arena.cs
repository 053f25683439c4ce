using System.Data.Common;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// Copies text columns' UTF-8 bytes out of a reader into shared blocks, one slice per value, so a streamed row's text
/// is neither decoded nor allocated value by value. A block is dropped once no row refers to it.
/// </summary>
/// <remarks>
/// Blocks stay below the large object heap's threshold (85,000 bytes), so they are young objects that die young with the
/// rows pointing into them; a block on that heap would be reclaimed only with the old generation.
/// </remarks>
internal sealed class Utf8Arena
{
    private const int BlockSize = 64 * 1024;

    private byte[] _block = new byte[BlockSize];
    private int _used;

    /// <summary>The bytes of column <paramref name="ordinal"/> of the reader's current row (not NULL).</summary>
    public ReadOnlyMemory<byte> Copy(DbDataReader reader, int ordinal)
    {
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        if (length > _block.Length - _used)
        {
            _block = new byte[Math.Max(BlockSize, length)];
            _used = 0;
        }

        reader.GetBytes(ordinal, 0, _block, _used, length);
        var slice = new ReadOnlyMemory<byte>(_block, _used, length);
        _used += length;
        return slice;
    }
}
