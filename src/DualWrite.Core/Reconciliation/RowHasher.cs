using System.Buffers;
using System.Data.Common;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// Builds one row's canonical bytes (<see cref="CanonicalEncoding"/>) value by value in one reused buffer, and hashes
/// them as <see cref="CanonicalEncoding.RowHash"/> does. A row source that digests its rows as it reads them (text
/// copied straight from the reader's buffer) hands the engine a <see cref="ReconcileRow.Hash"/> and allocates nothing
/// per value. One per reader: it is not thread-safe.
/// </summary>
public sealed class RowHasher
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    /// <summary>The bytes added since <see cref="Start"/>.</summary>
    internal ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>Starts a row.</summary>
    public void Start() => _buffer.ResetWrittenCount();

    /// <summary>Adds a value in canonical form (null for NULL).</summary>
    /// <exception cref="ArgumentException">The value's type has no canonical form.</exception>
    public void Add(object? value) => CanonicalEncoding.Append(_buffer, value);

    /// <summary>
    /// Adds column <paramref name="ordinal"/> of the reader's current row (not NULL) as text in its UTF-8 bytes, which
    /// the reader gives undecoded; returns those bytes (valid until the next call).
    /// </summary>
    public ReadOnlySpan<byte> AddUtf8(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        CanonicalEncoding.TextHeader(_buffer, length);
        var memory = _buffer.GetMemory(length)[..length];
        if (!MemoryMarshal.TryGetArray<byte>(memory, out var target))
        {
            throw new InvalidOperationException("The row buffer is not an array.");
        }

        reader.GetBytes(ordinal, 0, target.Array, target.Offset, length);
        _buffer.Advance(length);
        return memory.Span;
    }

    /// <summary>The row's hash, with <paramref name="version"/> when the pair compares versions.</summary>
    public ulong Finish(long? version)
    {
        if (version is { } v)
        {
            CanonicalEncoding.Version(_buffer, v);
        }

        return XxHash3.HashToUInt64(_buffer.WrittenSpan);
    }
}
