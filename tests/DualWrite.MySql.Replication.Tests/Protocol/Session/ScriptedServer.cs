using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DualWrite.MySql.Replication.Session;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

/// <summary>
/// A one-connection fake MySQL server on loopback that speaks just enough of the connection phase
/// to drive the replication session's connect and authentication exchange, with a script supplied by the test.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ScriptedServer, Task> _script;
    private NetworkStream? _stream;
    private byte _sequence;
    private Task? _run;

    public ScriptedServer(Func<ScriptedServer, Task> script)
    {
        _script = script;
        _listener.Start();
        _run = Task.Run(RunAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public byte[] Nonce { get; } = Enumerable.Range(0, 20).Select(i => (byte)(0x21 + i * 3)).ToArray();

    public Exception? Failure { get; private set; }

    private async Task RunAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            _stream = client.GetStream();
            await _script(this);
            // Let the client finish (it may send COM_QUIT): keep the socket open until the client closes it.
            await DrainUntilClosedAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            Failure = ex;
        }
    }

    /// <summary>A replication session for this server's port: user "app", no TLS, and what <paramref name="configure"/> sets.</summary>
    public ReplicationSession Session(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)Port,
            UserID = "app",
            SslMode = MySqlSslMode.None,
        };
        configure?.Invoke(builder);
        return new ReplicationSession(ReplicationSettings.Parse(builder.ConnectionString));
    }

    /// <summary>Reads and discards what the client sends until it closes the connection.</summary>
    public async Task DrainUntilClosedAsync()
    {
        var buffer = new byte[256];
        while (await _stream!.ReadAsync(buffer) > 0)
        {
        }
    }

    /// <summary>Sends Protocol::HandshakeV10 announcing a MySQL 8 server with the given plugin.</summary>
    public Task SendHandshakeAsync(string plugin)
    {
        var caps = 0x1 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000 | 0x100000 | 0x200000 | 0x1000000;
        var p = new List<byte> { 10 };
        p.AddRange(Encoding.ASCII.GetBytes("8.0.36-scripted\0"));
        p.AddRange(BitConverter.GetBytes(42u));
        p.AddRange(Nonce[..8]);
        p.Add(0);
        p.AddRange(BitConverter.GetBytes((ushort)(caps & 0xFFFF)));
        p.Add(255);
        p.AddRange(BitConverter.GetBytes((ushort)2));
        p.AddRange(BitConverter.GetBytes((ushort)(caps >> 16)));
        p.Add(21);
        p.AddRange(new byte[10]);
        p.AddRange(Nonce[8..]);
        p.Add(0);
        p.AddRange(Encoding.ASCII.GetBytes(plugin + "\0"));
        _sequence = 0;
        return SendAsync([.. p]);
    }

    /// <summary>Reads HandshakeResponse41 and returns the user name and auth response.</summary>
    public async Task<(string User, byte[] AuthResponse)> ReadHandshakeResponseAsync()
    {
        var payload = await ReadAsync();
        var offset = 32;
        var userEnd = Array.IndexOf(payload, (byte)0, offset);
        var user = Encoding.UTF8.GetString(payload, offset, userEnd - offset);
        offset = userEnd + 1;
        int length = payload[offset++]; // the test's responses are < 251 bytes
        return (user, payload[offset..(offset + length)]);
    }

    public async Task<byte[]> ReadAsync()
    {
        var header = new byte[4];
        await _stream!.ReadExactlyAsync(header);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        _sequence = (byte)(header[3] + 1);
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload);
        return payload;
    }

    public async Task SendAsync(byte[] payload)
    {
        var packet = new byte[payload.Length + 4];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = _sequence++;
        payload.CopyTo(packet, 4);
        await _stream!.WriteAsync(packet);
    }

    public Task SendOkAsync() => SendAsync([0x00, 0, 0, 2, 0, 0, 0]);

    public Task SendErrorAsync(ushort code, string state, string message)
    {
        var p = new List<byte> { 0xFF };
        var codeBytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(codeBytes, code);
        p.AddRange(codeBytes);
        p.AddRange(Encoding.ASCII.GetBytes("#" + state));
        p.AddRange(Encoding.UTF8.GetBytes(message));
        return SendAsync([.. p]);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        }
    }
}
