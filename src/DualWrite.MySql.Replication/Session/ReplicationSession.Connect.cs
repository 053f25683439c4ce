using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DualWrite.MySql.Replication.Protocol.Payloads;
using DualWrite.MySql.Replication.Protocol.Serialization;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Session;

internal sealed partial class ReplicationSession
{
    private const ProtocolCapabilities ClientCapabilities =
        ProtocolCapabilities.LongPassword | ProtocolCapabilities.LongFlag | ProtocolCapabilities.Protocol41 |
        ProtocolCapabilities.Transactions | ProtocolCapabilities.SecureConnection | ProtocolCapabilities.MultiStatements |
        ProtocolCapabilities.PluginAuth | ProtocolCapabilities.ConnectAttrs | ProtocolCapabilities.PluginAuthLenencClientData |
        ProtocolCapabilities.DeprecateEof;

    /// <summary>Connects, negotiates TLS and authenticates, all within the connect timeout.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Settings.ConnectionTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(Settings.ConnectionTimeout);
        }

        try
        {
            await ConnectCoreAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw new BinlogException(BinlogErrorKind.ConnectionFailed, ClientErrors.ConnectionFailed, "08001",
                $"Connecting to {Endpoint} timed out after {Settings.ConnectionTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string Endpoint => Settings.Endpoint;

    private async Task ConnectCoreAsync(CancellationToken cancellationToken)
    {
        _socket = await OpenSocketAsync(cancellationToken).ConfigureAwait(false);
        Stream stream = new NetworkStream(_socket, ownsSocket: true);
        _transport = new PacketTransport(stream);

        var payload = await _transport.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        var handshake = InitialHandshakePayload.Parse(payload.Span);
        ConnectionId = handshake.ConnectionId;
        ServerVersion = handshake.ServerVersion;
        IsMariaDb = handshake.IsMariaDb;
        Status = handshake.Status;

        var wanted = ClientCapabilities;
        var serverCaps = handshake.Capabilities;
        if ((serverCaps & ProtocolCapabilities.LongPassword) == 0)
        {
            // A MariaDB server announcing extended capabilities: leave CLIENT_MYSQL clear so it reads ours.
            wanted &= ~ProtocolCapabilities.LongPassword;
        }
        else
        {
            wanted &= (ProtocolCapabilities)0xFFFFFFFF;
        }

        if ((serverCaps & ProtocolCapabilities.Protocol41) == 0)
        {
            throw BinlogException.Protocol($"The server {ServerVersion} does not speak protocol 4.1, which this client requires.");
        }

        var useTls = Settings.SslMode != MySqlSslMode.None && (serverCaps & ProtocolCapabilities.Ssl) != 0;
        if (Settings.SslMode >= MySqlSslMode.Required && !useTls)
        {
            throw new BinlogException(BinlogErrorKind.Tls, ClientErrors.SslConnectionError, "08001",
                $"SslMode={Settings.SslMode} requires TLS, but the server at {Endpoint} does not offer it.");
        }

        if (useTls)
        {
            wanted |= ProtocolCapabilities.Ssl;
        }

        _capabilities = wanted & (serverCaps | ProtocolCapabilities.LongPassword);
        if ((serverCaps & ProtocolCapabilities.LongPassword) == 0)
        {
            _capabilities &= ~ProtocolCapabilities.LongPassword;
        }

        if (useTls)
        {
            // SSLRequest: the first 32 bytes of the handshake response, then the TLS handshake.
            _writer.Clear();
            WriteHandshakeResponsePrefix();
            await _transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);
            await UpgradeToTlsAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        await AuthenticateAsync(handshake, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Socket> OpenSocketAsync(CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(Settings.Server, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(Settings.Server, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new BinlogException(BinlogErrorKind.ConnectionFailed, ClientErrors.ConnectionFailed, "08001",
                    $"Cannot resolve the host name '{Settings.Server}': {ex.SocketErrorCode}.", ex);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, (int)Settings.Port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                last = ex;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new BinlogException(BinlogErrorKind.ConnectionFailed, ClientErrors.ConnectionFailed, "08001",
            $"Cannot connect to the MySQL server at {Endpoint}: {last?.SocketErrorCode.ToString() ?? "no address"}.", last);
    }

    /// <summary>
    /// Protocol::HandshakeResponse41 up to the user name — which is also the whole SSLRequest packet.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html</remarks>
    private void WriteHandshakeResponsePrefix()
    {
        _writer.WriteUInt32((uint)_capabilities);
        _writer.WriteUInt32(1 << 30);
        _writer.WriteByte(CharacterSets.Utf8Mb4GeneralCi);
        _writer.WriteZeros(19);
        // MariaDB reads its extended capabilities from the last four filler bytes.
        _writer.WriteUInt32((uint)((ulong)_capabilities >> 32));
    }

    private async Task UpgradeToTlsAsync(Stream inner, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = Settings.Server,
            RemoteCertificateValidationCallback = ValidateServerCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new BinlogException(BinlogErrorKind.Tls, ClientErrors.SslConnectionError, "08001",
                $"TLS with {Endpoint} failed: {_certificateProblem ?? ex.Message}", ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new BinlogException(BinlogErrorKind.Tls, ClientErrors.SslConnectionError, "08001",
                $"TLS with {Endpoint} failed: {ex.Message}", ex);
        }

        Transport.ReplaceStream(ssl);
        IsTls = true;
        TlsCipher = ssl.NegotiatedCipherSuite.ToString();
    }

    private string? _certificateProblem;

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Settings.SslMode is MySqlSslMode.Preferred or MySqlSslMode.Required)
        {
            return true;
        }

        if (certificate is null)
        {
            _certificateProblem = "the server sent no certificate.";
            return false;
        }

        if (Settings.SslMode == MySqlSslMode.VerifyFull && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _certificateProblem = $"the server certificate does not name the host '{Settings.Server}' (SslMode=VerifyFull).";
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 && string.IsNullOrEmpty(Settings.SslCa))
        {
            return true;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!string.IsNullOrEmpty(Settings.SslCa))
        {
            X509Certificate2Collection authorities;
            try
            {
                authorities = LoadPemBundle(Settings.SslCa);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                _certificateProblem = $"cannot read the CA file '{Settings.SslCa}': {ex.Message}";
                return false;
            }

            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        using var serverCert = new X509Certificate2(certificate);
        if (custom.Build(serverCert))
        {
            return true;
        }

        var statuses = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        _certificateProblem = string.IsNullOrEmpty(Settings.SslCa)
            ? $"the server certificate did not validate against the system's trusted CAs ({statuses}); set SslCa to the CA file, or SslMode=Required to encrypt without validation."
            : $"the server certificate did not validate against the CA in '{Settings.SslCa}' ({statuses}).";
        return false;
    }

    private static X509Certificate2Collection LoadPemBundle(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new IOException("the file holds no PEM certificate");
        }

        return collection;
    }
}
