using System.Diagnostics;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task Open_ServerNeverSendsHandshake_FailsAfterConnectTimeout()
    {
        await using var server = new ScriptedServer(_ => Task.Delay(TimeSpan.FromSeconds(3)));
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)server.Port,
            UserID = "app",
            Password = "secret-value-1",
            ConnectionTimeout = 1,
            Pooling = false,
            SslMode = MySqlSslMode.None,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        var watch = Stopwatch.StartNew();

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2.9));
        error.Kind.Should().Be(MySqlErrorKind.ConnectionFailed);
        error.Message.Should().Contain("timed out after 1 s").And.NotContain("secret-value-1");
    }

    [Fact]
    public async Task Open_ServerSendsGarbage_FailsWithProtocolError()
    {
        await using var server = new ScriptedServer(s => s.SendAsync([0x09, .. "not a handshake"u8]));
        var builder = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)server.Port,
            UserID = "app",
            Pooling = false,
            SslMode = MySqlSslMode.None,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.Protocol);
        error.Message.Should().Contain("protocol version 9");
    }
}
