using System.Text;
using DualWrite.MySql.Replication.Protocol.Auth;
using DualWrite.MySql.Replication.Protocol.Payloads;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Session;

internal sealed partial class ReplicationSession
{
    private const string NativePlugin = "mysql_native_password";
    private const string CachingSha2Plugin = "caching_sha2_password";
    private const string Sha256Plugin = "sha256_password";
    private const string ClearPlugin = "mysql_clear_password";

    private const byte AuthMoreData = 0x01;
    private const byte AuthSwitchRequest = 0xFE;
    private const byte CachingSha2FastAuthSuccess = 3;
    private const byte CachingSha2PerformFullAuth = 4;
    private const byte CachingSha2RequestPublicKey = 2;
    private const byte Sha256RequestPublicKey = 1;

    /// <summary>Sends the handshake response and runs the authentication exchange to its OK packet.</summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html</remarks>
    private async Task AuthenticateAsync(InitialHandshakePayload handshake, CancellationToken cancellationToken)
    {
        var plugin = handshake.AuthPluginName;
        var nonce = handshake.AuthPluginData;
        if (!IsSupportedPlugin(plugin))
        {
            // Answer with native password; the server switches us to the account's plugin if it differs.
            plugin = NativePlugin;
        }

        _writer.Clear();
        WriteHandshakeResponsePrefix();
        _writer.WriteNullTerminatedString(Settings.UserId);
        var initial = InitialResponse(plugin, nonce, out var requestedKey);
        _writer.WriteLengthEncodedBytes(initial);
        _writer.WriteNullTerminatedString(plugin);
        WriteConnectionAttributes();
        await Transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var payload = (await Transport.ReadPayloadAsync(cancellationToken).ConfigureAwait(false)).ToArray();
            switch (payload[0])
            {
                case OkPayload.Header:
                    Status = OkPayload.Parse(payload).Status;
                    return;

                case ErrorPayload.Header:
                    throw ErrorPayload.Parse(payload).ToException();

                case AuthSwitchRequest:
                {
                    var body = payload.AsSpan(1);
                    var end = body.IndexOf((byte)0);
                    plugin = Encoding.ASCII.GetString(end < 0 ? body : body[..end]);
                    nonce = end < 0 ? [] : TrimNul(body[(end + 1)..]).ToArray();
                    if (!IsSupportedPlugin(plugin))
                    {
                        throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginCannotLoad, "08004",
                            $"The account '{Settings.UserId}' uses the authentication plugin '{plugin}', which this client does not support " +
                            $"(supported: {NativePlugin}, {CachingSha2Plugin}, {Sha256Plugin}, {ClearPlugin} over TLS).");
                    }

                    await SendAuthDataAsync(InitialResponse(plugin, nonce, out requestedKey), cancellationToken).ConfigureAwait(false);
                    break;
                }

                case AuthMoreData:
                    await HandleMoreDataAsync(plugin, nonce, payload.AsMemory(1), requestedKey, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    throw BinlogException.Protocol($"Unexpected packet 0x{payload[0]:X2} during authentication.");
            }
        }
    }

    private async Task HandleMoreDataAsync(string plugin, byte[] nonce, ReadOnlyMemory<byte> data, bool requestedKey, CancellationToken cancellationToken)
    {
        if (plugin == CachingSha2Plugin && !requestedKey && data.Length == 1)
        {
            switch (data.Span[0])
            {
                case CachingSha2FastAuthSuccess:
                    return; // the OK packet follows
                case CachingSha2PerformFullAuth:
                    await SendFullAuthenticationAsync(nonce, CachingSha2RequestPublicKey, cancellationToken).ConfigureAwait(false);
                    return;
            }
        }

        if (plugin is CachingSha2Plugin or Sha256Plugin)
        {
            // The server's RSA public key, sent because we asked for it.
            var pem = Encoding.ASCII.GetString(data.Span);
            await SendAuthDataAsync(AuthScrambles.RsaEncryptPassword(Settings.Password, nonce, pem), cancellationToken).ConfigureAwait(false);
            return;
        }

        throw BinlogException.Protocol($"Unexpected extra authentication data for plugin '{plugin}'.");
    }

    /// <summary>The password itself must reach the server: over TLS in clear, otherwise RSA-encrypted.</summary>
    private async Task SendFullAuthenticationAsync(byte[] nonce, byte requestKeyByte, CancellationToken cancellationToken)
    {
        if (IsTls)
        {
            await SendAuthDataAsync(AuthScrambles.ClearPassword(Settings.Password), cancellationToken).ConfigureAwait(false);
        }
        else if (ReadConfiguredPublicKey() is { } pem)
        {
            await SendAuthDataAsync(AuthScrambles.RsaEncryptPassword(Settings.Password, nonce, pem), cancellationToken).ConfigureAwait(false);
        }
        else if (Settings.AllowPublicKeyRetrieval)
        {
            await SendAuthDataAsync([requestKeyByte], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, "08004",
                "The server asked for full authentication, which needs TLS or the server's RSA public key: " +
                "set SslMode=Required, ServerRsaPublicKeyFile=<path>, or AllowPublicKeyRetrieval=true.");
        }
    }

    private async Task SendAuthDataAsync(byte[] data, CancellationToken cancellationToken)
    {
        _writer.Clear();
        _writer.Write(data);
        await Transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);
    }

    private byte[] InitialResponse(string plugin, byte[] nonce, out bool requestedKey)
    {
        requestedKey = false;
        switch (plugin)
        {
            case NativePlugin:
                return AuthScrambles.NativePassword(Settings.Password, nonce);
            case CachingSha2Plugin:
                return AuthScrambles.CachingSha2(Settings.Password, nonce);
            case ClearPlugin:
                if (!IsTls)
                {
                    throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, "08004",
                        $"The account '{Settings.UserId}' uses {ClearPlugin}, which would send the password unencrypted; connect with SslMode=Required or stronger.");
                }

                return AuthScrambles.ClearPassword(Settings.Password);
            case Sha256Plugin:
                if (Settings.Password.Length == 0)
                {
                    return [0];
                }

                if (IsTls)
                {
                    return AuthScrambles.ClearPassword(Settings.Password);
                }

                if (ReadConfiguredPublicKey() is { } pem)
                {
                    return AuthScrambles.RsaEncryptPassword(Settings.Password, nonce, pem);
                }

                if (Settings.AllowPublicKeyRetrieval)
                {
                    requestedKey = true;
                    return [Sha256RequestPublicKey];
                }

                throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, "08004",
                    $"{Sha256Plugin} needs TLS or the server's RSA public key: set SslMode=Required, ServerRsaPublicKeyFile=<path>, or AllowPublicKeyRetrieval=true.");
            default:
                throw new InvalidOperationException($"Unsupported plugin {plugin}.");
        }
    }

    private string? ReadConfiguredPublicKey()
    {
        if (string.IsNullOrEmpty(Settings.ServerRsaPublicKeyFile))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(Settings.ServerRsaPublicKeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BinlogException(BinlogErrorKind.Authentication, ClientErrors.AuthPluginError, "08004",
                $"Cannot read ServerRsaPublicKeyFile '{Settings.ServerRsaPublicKeyFile}': {ex.Message}", ex);
        }
    }

    private static bool IsSupportedPlugin(string plugin) => plugin is NativePlugin or CachingSha2Plugin or Sha256Plugin or ClearPlugin;

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> data) => data.Length > 0 && data[^1] == 0 ? data[..^1] : data;

    /// <summary>Connection attributes, visible in performance_schema.session_connect_attrs.</summary>
    private void WriteConnectionAttributes()
    {
        if ((_capabilities & ProtocolCapabilities.ConnectAttrs) == 0)
        {
            return;
        }

        var attributes = new Protocol.Serialization.PayloadWriter(128);
        foreach (var (key, value) in new[]
        {
            ("_client_name", "DualWrite.MySql.Replication"),
            ("_client_version", typeof(ReplicationSession).Assembly.GetName().Version?.ToString() ?? "0"),
            ("_os", Environment.OSVersion.Platform.ToString()),
            ("_pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("program_name", Settings.ApplicationName ?? ""),
        })
        {
            if (value.Length > 0)
            {
                attributes.WriteLengthEncodedString(key);
                attributes.WriteLengthEncodedString(value);
            }
        }

        _writer.WriteLengthEncodedBytes(attributes.Payload);
    }
}
