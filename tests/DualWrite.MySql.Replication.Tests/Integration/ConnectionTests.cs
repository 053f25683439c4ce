using DualWrite.MySql.Replication.Session;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// Connecting the replication session and the reader's start-up queries (MySqlConnector) to the real server: what the
/// handshake reports, and every failure as a typed <see cref="BinlogException"/> without the password.
/// </summary>
public sealed class ConnectionTests
{
    private const string WrongPassword = "not-the-password-7731";

    private static ReplicationSession Session(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        MariaDbServer.EnsureReachable();
        return new ReplicationSession(ReplicationSettings.Parse(MariaDbServer.ConnectionString(configure)));
    }

    private static async Task ReadAllAsync(BinlogReader reader)
    {
        var start = await new BinlogReader(MariaDbServer.ConnectionString()).GetCurrentPositionAsync();
        await foreach (var _ in reader.ReadAsync(start))
        {
        }
    }

    [Fact]
    public async Task Connect_ValidCredentials_ReportsTheServerAndItsSession()
    {
        await using var session = Session();

        await session.ConnectAsync(default);

        session.IsMariaDb.Should().BeTrue();
        session.ServerVersion.Should().Contain("MariaDB").And.NotStartWith("5.5.5-");
        session.ConnectionId.Should().BePositive();
        session.IsBroken.Should().BeFalse();
        await using var other = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand("SELECT USER FROM information_schema.PROCESSLIST WHERE ID = @id", other);
        command.Parameters.AddWithValue("@id", session.ConnectionId);
        (await command.ExecuteScalarAsync()).Should().Be(MariaDbServer.User, "the server sees the session's connection id as ours");
    }

    [Fact]
    public async Task Connect_WrongPassword_ThrowsAuthenticationErrorWithoutThePassword()
    {
        await using var session = Session(b => b.Password = WrongPassword);

        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Authentication);
        error.Number.Should().Be(1045);
        error.SqlState.Should().Be("28000");
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Contain(MariaDbServer.User).And.NotContain(WrongPassword);
        error.ToString().Should().NotContain(WrongPassword);
    }

    [Fact]
    public async Task Reader_WrongPassword_StartUpQueries_ThrowAuthenticationError()
    {
        var reader = new BinlogReader(MariaDbServer.ConnectionString(b => b.Password = WrongPassword));

        var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Authentication);
        error.Number.Should().Be(1045);
        error.InnerException.Should().BeOfType<MySqlException>();
        error.ToString().Should().NotContain(WrongPassword);
    }

    [Fact]
    public async Task Reader_WrongPassword_Stream_FailsAtOnceWithAuthenticationError()
    {
        // Without the start-up checks the replication connection is refused; a refused password is not retried.
        var reader = new BinlogReader(MariaDbServer.ConnectionString(b => b.Password = WrongPassword),
            new BinlogReaderOptions { SkipStartupChecks = true, ReconnectAttempts = 5 });

        var error = (await FluentActions.Invoking(() => ReadAllAsync(reader)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Authentication);
        reader.Reconnects.Should().Be(0);
    }

    [Fact]
    public async Task Reader_UnknownDatabase_StartUpQueries_ThrowServerErrorNamingIt()
    {
        var reader = new BinlogReader(MariaDbServer.ConnectionString(b => b.Database = "no_such_db_4711"));

        var error = (await reader.Invoking(r => r.GetCurrentPositionAsync()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Server);
        error.Number.Should().Be(1049);
        error.Message.Should().Contain("no_such_db_4711");
    }

    [Fact]
    public async Task Connect_NothingListening_ThrowsTransientConnectionFailed()
    {
        await using var session = new ReplicationSession(ReplicationSettings.Parse(MariaDbServer.ConnectionString(b => b.Port = 1)));

        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.ConnectionFailed);
        error.Message.Should().Contain("127.0.0.1:1");
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Reader_NothingListening_StartUpQueries_ThrowConnectionFailed()
    {
        var reader = new BinlogReader(MariaDbServer.ConnectionString(b => { b.Port = 1; b.ConnectionTimeout = 5; }));

        var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.ConnectionFailed);
        error.Message.Should().Contain("127.0.0.1:1");
        error.IsTransient.Should().BeTrue();
    }
}
