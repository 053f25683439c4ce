using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// A loopback TCP proxy in front of a MariaDB server that can damage the replication stream in flight: once
/// <see cref="Arm"/> is called, it flips one byte inside the next row event it forwards on a connection that asked for
/// the binlog (COM_BINLOG_DUMP), as a faulty network path or middlebox would, and forwards everything else untouched.
/// The connections through it must not use TLS (the proxy reads the protocol's packet framing).
/// </summary>
internal sealed class CorruptingProxy : IAsyncDisposable
{
    private const byte ComBinlogDump = 0x12;
    private const int EventHeaderLength = 19;
    private const int ChecksumLength = 4;

    /// <summary>WRITE/UPDATE/DELETE_ROWS events, v1 and v2.</summary>
    private static readonly byte[] RowEvents = [23, 24, 25, 30, 31, 32];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _armed;
    private int _corrupted;

    public CorruptingProxy(int serverPort)
    {
        _serverPort = serverPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many row events were damaged so far.</summary>
    public int Corrupted => Volatile.Read(ref _corrupted);

    /// <summary>Damages the next row event of a binlog connection (once).</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(RelayAsync(client));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
            var isBinlog = new BinlogFlag();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), isBinlog, towardClient: false, either.Token);
            var down = PumpAsync(server.GetStream(), client.GetStream(), isBinlog, towardClient: true, either.Token);
            await Task.WhenAny(up, down);
            await either.CancelAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: the other is closed with it, as a real network path would.
        }
    }

    /// <summary>Forwards packets one at a time (3-byte length, sequence id, payload), looking at each.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, BinlogFlag isBinlog, bool towardClient, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        try
        {
            while (true)
            {
                await from.ReadExactlyAsync(header, cancellationToken);
                var length = header[0] | (header[1] << 8) | (header[2] << 16);
                var payload = new byte[length];
                await from.ReadExactlyAsync(payload, cancellationToken);
                if (!towardClient && length > 0 && payload[0] == ComBinlogDump)
                {
                    isBinlog.Value = true;
                }
                else if (towardClient && isBinlog.Value && IsRowEvent(payload) && Interlocked.CompareExchange(ref _armed, 0, 1) == 1)
                {
                    // A byte of the rows themselves, before the event's checksum.
                    payload[length - ChecksumLength - 1] ^= 0x5A;
                    Interlocked.Increment(ref _corrupted);
                }

                await to.WriteAsync(header, cancellationToken);
                await to.WriteAsync(payload, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A binlog network packet: an OK byte, then the event (19-byte header, body, checksum).</summary>
    private static bool IsRowEvent(byte[] payload) =>
        payload.Length > 1 + EventHeaderLength + ChecksumLength + 8
        && payload[0] == 0x00
        && RowEvents.Contains(payload[1 + 4])
        && BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(1 + 9, 4)) == payload.Length - 1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    /// <summary>Whether a connection asked for the binlog.</summary>
    private sealed class BinlogFlag
    {
        public volatile bool Value;
    }
}
