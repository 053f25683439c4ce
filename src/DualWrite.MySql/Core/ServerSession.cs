using System.Net.Sockets;
using DualWrite.MySql.Protocol;
using DualWrite.MySql.Protocol.Serialization;

namespace DualWrite.MySql.Core;

/// <summary>
/// One authenticated connection to a server: the socket, the packet transport and the state the
/// server reported. Split by concern: Connect (socket + TLS + handshake), Auth (plugin exchange),
/// Query (commands and result sets), Cancel (KILL QUERY and timeouts).
/// </summary>
internal sealed partial class ServerSession : IAsyncDisposable
{
    private readonly PayloadWriter _writer = new(1024);
    private Socket? _socket;
    private PacketTransport? _transport;
    private ProtocolCapabilities _capabilities;

    public ServerSession(ConnectionSettings settings, ConnectionPool? pool)
    {
        Settings = settings;
        Pool = pool;
    }

    public ConnectionSettings Settings { get; }

    public ConnectionPool? Pool { get; }

    /// <summary>The pool generation this session was created in; older sessions are discarded on return.</summary>
    public int PoolGeneration { get; set; }

    public uint ConnectionId { get; private set; }

    public string ServerVersion { get; private set; } = "";

    public bool IsMariaDb { get; private set; }

    public bool IsTls { get; private set; }

    public string? TlsCipher { get; private set; }

    public ServerStatus Status { get; private set; }

    public bool NoBackslashEscapes => (Status & ServerStatus.NoBackslashEscapes) != 0;

    public bool DeprecateEof => (_capabilities & ProtocolCapabilities.DeprecateEof) != 0;

    /// <summary>The database selected on this session, as far as the client knows.</summary>
    public string? Database { get; set; }

    public long LastUsedTimestamp { get; set; }

    public bool IsBroken => _transport is null || _transport.IsBroken || _broken;

    private bool _broken;

    private PacketTransport Transport => _transport ?? throw new InvalidOperationException("The session is not connected.");

    /// <summary>The cancellation/timeout watcher of the command in flight, if any.</summary>
    public CommandScope? ActiveScope { get; set; }

    /// <summary>Closes the socket under a command that cannot be stopped otherwise; its reads then fail.</summary>
    public void AbortSocket()
    {
        MarkBroken();
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket?.Dispose();
    }

    public void MarkBroken()
    {
        _broken = true;
        _transport?.MarkBroken();
    }

    /// <summary>
    /// True when the peer has closed the socket while the session sat idle (a restarted server):
    /// a readable socket with nothing to read means FIN was received.
    /// </summary>
    public bool IsSocketDeadWhileIdle()
    {
        try
        {
            var socket = _socket;
            if (socket is null)
            {
                return true;
            }

            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0 && Transport.BufferedBytes == 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
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
            catch (Exception ex) when (ex is MySqlException or OperationCanceledException)
            {
            }
        }

        await transport.DisposeAsync().ConfigureAwait(false);
        _socket?.Dispose();
    }
}
