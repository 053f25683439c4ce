using System.Data.Common;
using DualWrite.Core.Reconciliation;

namespace DualWrite.Migration.Reconcile;

/// <summary>Checks a plain text value's UTF-8 bytes as a side reads them (throws the typed error naming the column).</summary>
/// <param name="column">The column's index in the table.</param>
/// <param name="utf8">The value's bytes.</param>
internal delegate void TextCheck(int column, ReadOnlySpan<byte> utf8);

/// <summary>
/// Turns a plan pair side's streamed rows into rows the engine digests: each row's values go into a
/// <see cref="RowHasher"/> as they are read (plain text as its UTF-8 bytes, the rest in canonical form), and only its key,
/// version and hash are kept. One per reader.
/// </summary>
/// <typeparam name="TReader">The driver's data reader.</typeparam>
/// <param name="read">Per column, how a non-NULL value is read in canonical form; null for plain text digested as its UTF-8 bytes (never a key column).</param>
/// <param name="keys">The key columns, in key order.</param>
/// <param name="version">The ordinal of the row's version, or -1 when the side has none.</param>
/// <param name="versions">Whether the row hash includes the version (the pair compares versions).</param>
/// <param name="check">Checks each plain text value, or null.</param>
internal sealed class StreamedRowDigest<TReader>(Func<TReader, int, object>?[] read, IReadOnlyList<KeyColumn> keys, int version, bool versions, TextCheck? check)
    where TReader : DbDataReader
{
    private readonly RowHasher _hasher = new();

    /// <summary>Per column, its place in the key, or -1.</summary>
    private readonly int[] _keySlot = KeySlots(read.Length, keys);

    /// <summary>The reader's current row as key, version and hash.</summary>
    public ReconcileRow Digest(TReader reader)
    {
        _hasher.Start();
        var key = new object?[keys.Count];
        for (var i = 0; i < read.Length; i++)
        {
            if (reader.IsDBNull(i))
            {
                _hasher.Add(null);
            }
            else if (read[i] is { } canonical)
            {
                var value = canonical(reader, i);
                _hasher.Add(value);
                if (_keySlot[i] >= 0)
                {
                    key[_keySlot[i]] = value;
                }
            }
            else
            {
                var text = _hasher.AddUtf8(reader, i);
                check?.Invoke(i, text);
            }
        }

        long? rowVersion = version < 0 ? null : reader.GetInt64(version);
        return new ReconcileRow(new RowKey(key), rowVersion, _hasher.Finish(versions ? rowVersion : null));
    }

    private static int[] KeySlots(int columns, IReadOnlyList<KeyColumn> keys)
    {
        var slots = Enumerable.Repeat(-1, columns).ToArray();
        for (var k = 0; k < keys.Count; k++)
        {
            slots[keys[k].Index] = k;
        }

        return slots;
    }
}
