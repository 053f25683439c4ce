using DualWrite.MySql.Binlog.Events;

namespace DualWrite.MySql.Binlog;

/// <summary>Placeholder until the event decoder lands.</summary>
public sealed class BinlogEventDecoder
{
    /// <summary>Verify CRC32s.</summary>
    public bool VerifyChecksums { get; set; } = true;

    /// <summary>Decodes one event.</summary>
    public BinlogEvent Decode(ReadOnlySpan<byte> eventBytes) => throw new NotImplementedException();

    /// <summary>Clears the table maps.</summary>
    public void ClearTableMaps()
    {
    }
}
