using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>TLS against the MariaDB started by eng/services.sh with a certificate from its own self-signed CA.</summary>
public sealed class TlsTests
{
    private static async Task<string?> CipherAsync(MySqlConnection connection)
    {
        await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_cipher'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetString(1) : null;
    }

    [Fact]
    public async Task VerifyCA_WithTheServersCa_ConnectsEncrypted()
    {
        await using var connection = await MariaDbServer.OpenAsync(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.TlsCa; });

        connection.IsEncrypted.Should().BeTrue();
        (await CipherAsync(connection)).Should().NotBeNullOrEmpty("the server must see the session as TLS");
    }

    [Fact]
    public async Task VerifyFull_HostInCertificate_Connects()
    {
        await using var connection = await MariaDbServer.OpenAsync(b => { b.SslMode = MySqlSslMode.VerifyFull; b.SslCa = MariaDbServer.TlsCa; });

        connection.IsEncrypted.Should().BeTrue();
    }

    [Fact]
    public async Task Required_WithoutCa_EncryptsWithoutValidation()
    {
        await using var connection = await MariaDbServer.OpenAsync(b => b.SslMode = MySqlSslMode.Required);

        connection.IsEncrypted.Should().BeTrue();
        (await CipherAsync(connection)).Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task None_IsNotEncrypted()
    {
        await using var connection = await MariaDbServer.OpenAsync(b => b.SslMode = MySqlSslMode.None);

        connection.IsEncrypted.Should().BeFalse();
        (await CipherAsync(connection)).Should().BeEmpty();
    }

    [Fact]
    public async Task VerifyCA_WithAnUnrelatedCa_FailsWithTlsError()
    {
        MariaDbServer.EnsureReachable();
        await using var connection = new MySqlConnection(MariaDbServer.ConnectionString(b =>
        {
            b.SslMode = MySqlSslMode.VerifyCA;
            b.SslCa = MariaDbServer.OtherCa;
            b.Pooling = false;
        }));

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.Tls);
        error.Message.Should().Contain("did not validate").And.Contain(MariaDbServer.OtherCa);
    }

    [Fact]
    public async Task VerifyCA_WithoutCa_FailsAndSaysHowToFixIt()
    {
        MariaDbServer.EnsureReachable();
        await using var connection = new MySqlConnection(MariaDbServer.ConnectionString(b => { b.SslMode = MySqlSslMode.VerifyCA; b.Pooling = false; }));

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.Tls);
        error.Message.Should().Contain("SslCa");
    }

    [Fact]
    public async Task Tls_LargeResult_ReadsCompletely()
    {
        await using var connection = await MariaDbServer.OpenAsync(b => b.SslMode = MySqlSslMode.Required);
        await using var command = new MySqlCommand("SELECT seq, REPEAT('x', 1000) FROM seq_1_to_20000", connection);
        await using var reader = await command.ExecuteReaderAsync();
        long sum = 0;
        var rows = 0;
        while (await reader.ReadAsync())
        {
            sum += reader.GetInt64(0);
            reader.GetString(1).Length.Should().Be(1000);
            rows++;
        }

        rows.Should().Be(20000);
        sum.Should().Be(20000L * 20001 / 2);
    }
}
