namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task Connect_ServerNeverSendsHandshake_FailsWithTheConnectTimeout()
    {
        // The server accepts the connection and stays silent until the client gives up and closes it.
        await using var server = new ScriptedServer(s => s.DrainUntilClosedAsync());
        await using var session = server.Session(b =>
        {
            b.Password = "secret-value-1";
            b.ConnectionTimeout = 1;
        });

        // The safety net only keeps a broken timeout from hanging the run; the message says which deadline fired.
        var error = (await session.Invoking(s => s.ConnectAsync(default).WaitAsync(TimeSpan.FromSeconds(60))).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.ConnectionFailed);
        error.Message.Should().Contain("timed out after 1 s").And.NotContain("secret-value-1");
    }

    [Fact]
    public async Task Connect_ServerSendsGarbage_FailsWithProtocolError()
    {
        await using var server = new ScriptedServer(s => s.SendAsync([0x09, .. "not a handshake"u8]));
        await using var session = server.Session();

        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Protocol);
        error.Message.Should().Contain("protocol version 9");
    }
}
