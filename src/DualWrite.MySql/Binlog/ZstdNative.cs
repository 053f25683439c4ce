using System.Runtime.InteropServices;

namespace DualWrite.MySql.Binlog;

/// <summary>The few libzstd entry points the TRANSACTION_PAYLOAD decoder needs, from the system library.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Transaction__payload__event.html</remarks>
internal static partial class ZstdNative
{
    private const string Library = "libzstd.so.1";

    /// <summary>ZSTD_CONTENTSIZE_UNKNOWN: the frame header does not record the size (streamed compression).</summary>
    public const ulong ContentSizeUnknown = ulong.MaxValue;

    /// <summary>ZSTD_CONTENTSIZE_ERROR: not a valid frame header.</summary>
    public const ulong ContentSizeError = ulong.MaxValue - 1;

    /// <summary>Decompresses every frame in <paramref name="source"/>; returns the size written or an error code.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_decompress")]
    public static partial nuint Decompress(Span<byte> destination, nuint destinationCapacity, ReadOnlySpan<byte> source, nuint sourceSize);

    /// <summary>The decompressed size the first frame's header records, or one of the ContentSize* markers.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_getFrameContentSize")]
    public static partial ulong GetFrameContentSize(ReadOnlySpan<byte> source, nuint sourceSize);

    /// <summary>Non-zero when a size_t result is an error code.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    /// <summary>A static, NUL-terminated description of an error code.</summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    public static partial nint GetErrorName(nuint code);

    /// <summary>Decompresses a zstd payload that must expand to exactly <paramref name="expectedSize"/> bytes.</summary>
    public static byte[] DecompressExactly(ReadOnlySpan<byte> compressed, int expectedSize)
    {
        var frameSize = GetFrameContentSize(compressed, (nuint)compressed.Length);
        if (frameSize == ContentSizeError)
        {
            throw MySqlException.BinlogCorrupt("Malformed TRANSACTION_PAYLOAD_EVENT: the payload is not a zstd frame.");
        }

        if (frameSize != ContentSizeUnknown && frameSize > (ulong)expectedSize)
        {
            throw MySqlException.BinlogCorrupt(
                $"Malformed TRANSACTION_PAYLOAD_EVENT: the zstd frame holds {frameSize} byte(s), the event announces {expectedSize}.");
        }

        var output = GC.AllocateUninitializedArray<byte>(expectedSize);
        var written = Decompress(output, (nuint)output.Length, compressed, (nuint)compressed.Length);
        if (IsError(written) != 0)
        {
            var name = Marshal.PtrToStringAnsi(GetErrorName(written)) ?? "unknown error";
            throw MySqlException.BinlogCorrupt($"Malformed TRANSACTION_PAYLOAD_EVENT: zstd decompression failed ({name}).");
        }

        if (written != (nuint)expectedSize)
        {
            throw MySqlException.BinlogCorrupt(
                $"Malformed TRANSACTION_PAYLOAD_EVENT: the payload expanded to {written} byte(s), the event announces {expectedSize}.");
        }

        return output;
    }
}
