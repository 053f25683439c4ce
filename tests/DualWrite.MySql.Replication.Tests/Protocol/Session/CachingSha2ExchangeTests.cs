using System.Security.Cryptography;
using System.Text;
using DualWrite.MySql.Replication.Session;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

/// <summary>
/// The replication session's side of caching_sha2_password against a scripted server: the fast path, full
/// authentication with the server's RSA key (fetched or configured), and the refusal to send a
/// password in the clear.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html</remarks>
public sealed class CachingSha2ExchangeTests
{
    private const string Password = "correct horse ☃ battery";

    private static ReplicationSession Session(ScriptedServer server, Action<MySqlConnectionStringBuilder>? configure = null) =>
        server.Session(b =>
        {
            b.Password = Password;
            b.ConnectionTimeout = 30;
            configure?.Invoke(b);
        });

    /// <summary>What the server does with a fast-auth scramble: recover SHA256(password) and check it against the stored hash.</summary>
    private static bool ServerAccepts(byte[] scramble, byte[] nonce)
    {
        var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(Password)));
        var mask = SHA256.HashData([.. stored, .. nonce]);
        var candidate = scramble.Select((b, i) => (byte)(b ^ mask[i])).ToArray();
        return scramble.Length == 32 && SHA256.HashData(candidate).SequenceEqual(stored);
    }

    [Fact]
    public async Task FastPath_CorrectScramble_Connects()
    {
        var sawValidScramble = false;
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendHandshakeAsync("caching_sha2_password");
            var (user, response) = await s.ReadHandshakeResponseAsync();
            sawValidScramble = user == "app" && ServerAccepts(response, s.Nonce);
            await s.SendAsync([0x01, 0x03]);
            await s.SendOkAsync();
        });

        await using var session = Session(server);
        await session.ConnectAsync(default);

        session.IsBroken.Should().BeFalse();
        sawValidScramble.Should().BeTrue();
        server.Failure.Should().BeNull();
    }

    [Fact]
    public async Task FullAuth_WithPublicKeyRetrieval_SendsRsaEncryptedPassword()
    {
        using var rsa = RSA.Create(2048);
        string? decrypted = null;
        byte[]? keyRequest = null;
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendHandshakeAsync("caching_sha2_password");
            await s.ReadHandshakeResponseAsync();
            await s.SendAsync([0x01, 0x04]);
            keyRequest = await s.ReadAsync();
            await s.SendAsync([0x01, .. Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem())]);
            var encrypted = await s.ReadAsync();
            var plain = rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
            var unmasked = plain.Select((b, i) => (byte)(b ^ s.Nonce[i % 20])).ToArray();
            decrypted = Encoding.UTF8.GetString(unmasked);
            await s.SendOkAsync();
        });

        await using var session = Session(server, b => b.AllowPublicKeyRetrieval = true);
        await session.ConnectAsync(default);

        keyRequest.Should().Equal(new byte[] { 0x02 });
        decrypted.Should().Be(Password + "\0");
        server.Failure.Should().BeNull();
    }

    [Fact]
    public async Task FullAuth_WithConfiguredKeyFile_DoesNotAskForTheKey()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPublicKeyPem());
        string? decrypted = null;
        try
        {
            await using var server = new ScriptedServer(async s =>
            {
                await s.SendHandshakeAsync("caching_sha2_password");
                await s.ReadHandshakeResponseAsync();
                await s.SendAsync([0x01, 0x04]);
                var encrypted = await s.ReadAsync();
                var plain = rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
                decrypted = Encoding.UTF8.GetString(plain.Select((b, i) => (byte)(b ^ s.Nonce[i % 20])).ToArray());
                await s.SendOkAsync();
            });

            await using var session = Session(server, b => b.ServerRsaPublicKeyFile = keyFile);
            await session.ConnectAsync(default);

            decrypted.Should().Be(Password + "\0");
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task FullAuth_WithoutTlsOrKey_FailsWithTypedErrorAndNeverSendsThePassword()
    {
        var received = new List<byte[]>();
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendHandshakeAsync("caching_sha2_password");
            var (_, response) = await s.ReadHandshakeResponseAsync();
            received.Add(response);
            await s.SendAsync([0x01, 0x04]);
            try
            {
                received.Add(await s.ReadAsync());
            }
            catch (EndOfStreamException)
            {
            }
        });

        await using var session = Session(server);
        var act = () => session.ConnectAsync(default);

        var error = (await act.Should().ThrowAsync<BinlogException>()).Which;
        error.Kind.Should().Be(BinlogErrorKind.Authentication);
        error.Message.Should().Contain("AllowPublicKeyRetrieval").And.NotContain(Password);
        var passwordBytes = Encoding.UTF8.GetBytes(Password);
        received.Should().NotBeEmpty();
        received.Any(packet => packet.AsSpan().IndexOf(passwordBytes) >= 0).Should().BeFalse();
    }

    [Fact]
    public async Task WrongPassword_ServerError_IsTypedAuthenticationError()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendHandshakeAsync("caching_sha2_password");
            await s.ReadHandshakeResponseAsync();
            await s.SendErrorAsync(1045, "28000", "Access denied for user 'app'@'localhost' (using password: YES)");
        });

        await using var session = Session(server);
        var act = () => session.ConnectAsync(default);

        var error = (await act.Should().ThrowAsync<BinlogException>()).Which;
        error.Kind.Should().Be(BinlogErrorKind.Authentication);
        error.Number.Should().Be(1045);
        error.SqlState.Should().Be("28000");
    }

    [Fact]
    public async Task AuthSwitch_FromNativeToCachingSha2_AnswersWithTheNewNonce()
    {
        var newNonce = Enumerable.Range(0, 20).Select(i => (byte)(0x41 + i)).ToArray();
        var accepted = false;
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendHandshakeAsync("mysql_native_password");
            await s.ReadHandshakeResponseAsync();
            await s.SendAsync([0xFE, .. Encoding.ASCII.GetBytes("caching_sha2_password\0"), .. newNonce, 0]);
            var response = await s.ReadAsync();
            accepted = ServerAccepts(response, newNonce);
            await s.SendAsync([0x01, 0x03]);
            await s.SendOkAsync();
        });

        await using var session = Session(server);
        await session.ConnectAsync(default);

        accepted.Should().BeTrue();
    }
}
