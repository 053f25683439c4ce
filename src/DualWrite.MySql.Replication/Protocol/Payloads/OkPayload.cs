using DualWrite.MySql.Replication.Protocol.Serialization;

namespace DualWrite.MySql.Replication.Protocol.Payloads;

/// <summary>OK_Packet, and the EOF_Packet it replaces when CLIENT_DEPRECATE_EOF is set.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html and
/// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html</remarks>
internal readonly struct OkPayload
{
    public const byte Header = 0x00;
    public const byte EofHeader = 0xFE;

    public OkPayload(ulong affectedRows, ulong lastInsertId, ServerStatus status, ushort warnings)
    {
        AffectedRows = affectedRows;
        LastInsertId = lastInsertId;
        Status = status;
        Warnings = warnings;
    }

    public ulong AffectedRows { get; }
    public ulong LastInsertId { get; }
    public ServerStatus Status { get; }
    public ushort Warnings { get; }

    /// <summary>True when the payload is an OK packet (0x00) or an OK packet sent in place of EOF (0xFE).</summary>
    public static bool IsOk(ReadOnlySpan<byte> payload, bool deprecateEof) =>
        payload.Length > 0 && (payload[0] == Header || (deprecateEof && IsEndOfRows(payload)));

    /// <summary>An EOF (or OK-as-EOF) packet: 0xFE with a payload too short to be a row that starts with an 8-byte length.</summary>
    public static bool IsEndOfRows(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] == EofHeader && payload.Length < PacketTransport.MaxPacketPayload;

    public static OkPayload Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        reader.ReadByte();
        var affected = reader.ReadLengthEncodedInteger();
        var insertId = reader.ReadLengthEncodedInteger();
        var status = (ServerStatus)reader.ReadUInt16();
        var warnings = reader.ReadUInt16();
        return new OkPayload(affected, insertId, status, warnings);
    }

    /// <summary>Parses a classic EOF packet (without CLIENT_DEPRECATE_EOF).</summary>
    public static OkPayload ParseEof(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5)
        {
            // Pre-4.1 servers sent a bare 0xFE; treat it as an EOF with no status.
            return new OkPayload(0, 0, ServerStatus.None, 0);
        }

        var reader = new PayloadReader(payload);
        reader.ReadByte();
        var warnings = reader.ReadUInt16();
        var status = (ServerStatus)reader.ReadUInt16();
        return new OkPayload(0, 0, status, warnings);
    }
}
