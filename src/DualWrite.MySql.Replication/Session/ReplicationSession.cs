using System.Net.Sockets;
using DualWrite.MySql.Replication.Protocol.Serialization;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Session;

/// <summary>
/// One authenticated connection used as a replica: the socket, the packet transport and what the server reported
/// at the handshake. Split by concern: Connect (socket, TLS, handshake), Auth (the plugin exchange), Commands
/// (OK-only statements and the streaming dump). It reads no result sets: every query with rows runs on MySqlConnector.
/// </summary>
internal sealed partial class ReplicationSession : IAsyncDisposable
{
    private readonly PayloadWriter _writer = new(1024);
    private Socket? _socket;
    private PacketTransport? _transport;
    private ProtocolCapabilities _capabilities;
    private bool _broken;

    public ReplicationSession(ReplicationSettings settings) => Settings = settings;

    public ReplicationSettings Settings { get; }

    public uint ConnectionId { get; private set; }

    public string ServerVersion { get; private set; } = "";

    public bool IsMariaDb { get; private set; }

    public bool IsTls { get; private set; }

    public string? TlsCipher { get; private set; }

    public ServerStatus Status { get; private set; }

    public bool DeprecateEof => (_capabilities & ProtocolCapabilities.DeprecateEof) != 0;

    public bool IsBroken => _transport is null || _transport.IsBroken || _broken;

    private PacketTransport Transport => _transport ?? throw new InvalidOperationException("The session is not connected.");

    public void MarkBroken()
    {
        _broken = true;
        _transport?.MarkBroken();
    }

    public async ValueTask DisposeAsync()
    {
        var transport = _transport;
        _transport = null;
        if (transport is null)
        {
            return;
        }

        if (!transport.IsBroken && !_broken)
        {
            // COM_QUIT: the polite goodbye; ignore failures, the socket is closed either way.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                transport.ResetSequence();
                _writer.Clear();
                _writer.WriteByte(CommandCodes.Quit);
                await transport.WritePayloadAsync(_writer, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BinlogException or OperationCanceledException)
            {
            }
        }

        await transport.DisposeAsync().ConfigureAwait(false);
        _socket?.Dispose();
    }
}
