using DualWrite.MySql.Replication.Protocol.Serialization;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Protocol.Payloads;

/// <summary>The server's first packet (Protocol::HandshakeV10).</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html
/// and https://mariadb.com/kb/en/connection/#initial-handshake-packet for the MariaDB capability bytes.</remarks>
internal sealed class InitialHandshakePayload
{
    public required string ServerVersion { get; init; }
    public required uint ConnectionId { get; init; }
    public required byte[] AuthPluginData { get; init; }
    public required ProtocolCapabilities Capabilities { get; init; }
    public required byte CharacterSet { get; init; }
    public required ServerStatus Status { get; init; }
    public required string AuthPluginName { get; init; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public static InitialHandshakePayload Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var protocol = reader.ReadByte();
        if (protocol == 0xFF)
        {
            // The server refused us before the handshake (too many connections, host blocked).
            throw ErrorPayload.Parse(payload).ToException(BinlogErrorKind.ConnectionFailed);
        }

        if (protocol != 10)
        {
            throw BinlogException.Protocol($"Unsupported handshake protocol version {protocol}; only version 10 is supported.");
        }

        var version = reader.ReadNullTerminatedString();
        // MariaDB prefixes "5.5.5-" so that old replication clients accept it; it is not the version.
        if (version.StartsWith("5.5.5-", StringComparison.Ordinal) && version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            version = version[6..];
        }

        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8).ToArray();
        reader.Skip(1);
        ulong caps = reader.ReadUInt16();
        var charset = reader.ReadByte();
        var status = (ServerStatus)reader.ReadUInt16();
        caps |= (ulong)reader.ReadUInt16() << 16;
        var authDataLength = reader.ReadByte();
        reader.Skip(6);
        var mariaDbCaps = reader.ReadUInt32();
        if ((caps & (ulong)ProtocolCapabilities.LongPassword) == 0)
        {
            caps |= (ulong)mariaDbCaps << 32;
        }

        var authData = part1;
        if ((caps & (ulong)ProtocolCapabilities.SecureConnection) != 0)
        {
            var part2Length = Math.Max(13, authDataLength - 8);
            var part2 = reader.ReadBytes(Math.Min(part2Length, reader.Remaining));
            // The second part is NUL-terminated; the nonce is the 20 bytes before it.
            if (part2.Length > 0 && part2[^1] == 0)
            {
                part2 = part2[..^1];
            }

            authData = [.. part1, .. part2];
        }

        var plugin = (caps & (ulong)ProtocolCapabilities.PluginAuth) != 0 && reader.HasMore
            ? reader.ReadNullTerminatedStringOrRest()
            : "mysql_native_password";

        return new InitialHandshakePayload
        {
            ServerVersion = version,
            ConnectionId = connectionId,
            AuthPluginData = authData,
            Capabilities = (ProtocolCapabilities)caps,
            CharacterSet = charset,
            Status = status,
            AuthPluginName = plugin,
        };
    }
}
