using System.Reflection;
using DualWrite.MySql.Replication.Session;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

/// <summary>What the replication connection takes from a MySqlConnector connection string.</summary>
public sealed class ReplicationSettingsTests
{
    private const string Secret = "s3cret-Pa55word";

    [Fact]
    public void Parse_MultiHostString_ConnectsToTheFirstHost()
    {
        var settings = ReplicationSettings.Parse("Server=db-primary, db-replica1,db-replica2;Port=3307;User ID=repl;Password=" + Secret);

        settings.Server.Should().Be("db-primary");
        settings.Port.Should().Be(3307);
        settings.UserId.Should().Be("repl");
        settings.Password.Should().Be(Secret);
        settings.Endpoint.Should().Be("db-primary:3307");
    }

    [Fact]
    public void Parse_EmptyString_HasMySqlConnectorsDefaults()
    {
        var settings = ReplicationSettings.Parse("");

        settings.Server.Should().Be("localhost");
        settings.Port.Should().Be(3306);
        settings.UserId.Should().BeEmpty();
        settings.Password.Should().BeEmpty();
        settings.SslMode.Should().Be(new MySqlConnectionStringBuilder().SslMode);
        settings.SslCa.Should().BeNull();
        settings.ServerRsaPublicKeyFile.Should().BeNull();
        settings.AllowPublicKeyRetrieval.Should().BeFalse();
        settings.ConnectionTimeout.Should().Be(TimeSpan.FromSeconds(new MySqlConnectionStringBuilder().ConnectionTimeout));
        settings.ApplicationName.Should().BeNull();
    }

    [Fact]
    public void Parse_TlsAndAuthenticationSettings_AreCarried()
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "db",
            SslMode = MySqlSslMode.VerifyCA,
            SslCa = "/etc/ssl/ca.pem",
            ServerRsaPublicKeyFile = "/etc/mysql/public_key.pem",
            AllowPublicKeyRetrieval = true,
            ApplicationName = "dualwrite-cdc",
            ConnectionTimeout = 7,
        };

        var settings = ReplicationSettings.Parse(builder.ConnectionString);

        settings.SslMode.Should().Be(MySqlSslMode.VerifyCA);
        settings.SslCa.Should().Be("/etc/ssl/ca.pem");
        settings.ServerRsaPublicKeyFile.Should().Be("/etc/mysql/public_key.pem");
        settings.AllowPublicKeyRetrieval.Should().BeTrue();
        settings.ApplicationName.Should().Be("dualwrite-cdc");
        settings.ConnectionTimeout.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Parse_ConnectTimeoutZero_MeansNoTimeout() =>
        ReplicationSettings.Parse("Server=db;Connection Timeout=0").ConnectionTimeout.Should().Be(Timeout.InfiniteTimeSpan);

    [Theory]
    [InlineData("SslCert=/etc/ssl/client.pem;SslKey=/etc/ssl/client-key.pem")]
    [InlineData("CertificateFile=/etc/ssl/client.pfx")]
    public void Parse_ClientCertificate_IsRefusedWithoutThePassword(string certificate)
    {
        var act = () => ReplicationSettings.Parse($"Server=db;User ID=repl;Password={Secret};{certificate}");

        var error = act.Should().Throw<ArgumentException>().Which;
        error.Message.Should().Contain("client certificates").And.NotContain(Secret);
    }

    [Fact]
    public void Parse_InvalidConnectionString_ThrowsArgumentException()
    {
        var act = () => ReplicationSettings.Parse("Server=db;NoSuchOption=1");

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Password_IsInNothingPrintable()
    {
        var settings = ReplicationSettings.Parse($"Server=db;User ID=repl;Password={Secret};Application Name=app");

        settings.ToString().Should().NotContain(Secret);
        var printable = typeof(ReplicationSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != nameof(ReplicationSettings.Password))
            .Select(p => (p.Name, Text: Convert.ToString(p.GetValue(settings), System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        printable.Where(p => p.Text.Contains(Secret, StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public async Task Password_IsNotInAConnectFailure()
    {
        // A port nothing listens on: the failure names the endpoint, never the credentials.
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var session = new ReplicationSession(ReplicationSettings.Parse($"Server=127.0.0.1;Port={port};User ID=repl;Password={Secret}"));
        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.ConnectionFailed);
        error.Message.Should().Contain($"127.0.0.1:{port}").And.NotContain(Secret);
        error.ToString().Should().NotContain(Secret);
    }
}
