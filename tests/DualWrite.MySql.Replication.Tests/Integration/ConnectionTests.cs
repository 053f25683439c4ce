using System.Data;
using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Open_ValidCredentials_ReportsServerAndRunsQuery()
    {
        await using var connection = await MariaDbServer.OpenAsync();

        connection.State.Should().Be(ConnectionState.Open);
        connection.ServerVersion.Should().Contain("MariaDB").And.NotStartWith("5.5.5-");
        connection.ServerThreadId.Should().BePositive();
        await using var command = new MySqlCommand("SELECT CONNECTION_ID(), DATABASE()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(connection.ServerThreadId);
        reader.GetString(1).Should().Be(MariaDbServer.Database);
    }

    [Fact]
    public async Task Open_WrongPassword_ThrowsAuthenticationErrorWithoutThePassword()
    {
        MariaDbServer.EnsureReachable();
        const string wrong = "not-the-password-7731";
        await using var connection = new MySqlConnection(MariaDbServer.ConnectionString(b => { b.Password = wrong; b.Pooling = false; }));

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.Authentication);
        error.Number.Should().Be(1045);
        error.SqlState.Should().Be("28000");
        error.Message.Should().Contain(MariaDbServer.User).And.NotContain(wrong);
        error.ToString().Should().NotContain(wrong);
        connection.State.Should().Be(ConnectionState.Closed);
    }

    [Fact]
    public async Task Open_UnknownDatabase_ThrowsServerErrorNamingIt()
    {
        MariaDbServer.EnsureReachable();
        await using var connection = new MySqlConnection(MariaDbServer.ConnectionString(b => b.Database = "no_such_db_4711"));

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Number.Should().Be(1049);
        error.Kind.Should().Be(MySqlErrorKind.Server);
        error.Message.Should().Contain("no_such_db_4711");
    }

    [Fact]
    public async Task Open_NothingListening_ThrowsConnectionFailed()
    {
        await using var connection = new MySqlConnection(MariaDbServer.ConnectionString(b => { b.Port = 1; b.Pooling = false; }));

        var error = (await connection.Invoking(c => c.OpenAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.ConnectionFailed);
        error.Message.Should().Contain("127.0.0.1:1");
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task ToStringAndErrors_NeverContainThePassword()
    {
        await using var connection = await MariaDbServer.OpenAsync();

        connection.ToString().Should().NotContain(MariaDbServer.Password);
        new MySqlConnectionStringBuilder(connection.ConnectionString).ToString().Should().NotContain(MariaDbServer.Password);
    }

    [Fact]
    public async Task ChangeDatabase_SwitchesTheDefaultSchema()
    {
        var scratch = await MariaDbServer.CreateScratchDatabaseAsync("chdb");
        await using var connection = await MariaDbServer.OpenAsync();

        await connection.ChangeDatabaseAsync(scratch);

        connection.Database.Should().Be(scratch);
        await using var command = new MySqlCommand("SELECT DATABASE(); DROP DATABASE `" + scratch + "`", connection);
        (await command.ExecuteScalarAsync()).Should().Be(scratch);
    }

    [Fact]
    public async Task Ping_OpenConnection_ReturnsTrue()
    {
        await using var connection = await MariaDbServer.OpenAsync();

        (await connection.PingAsync()).Should().BeTrue();
    }
}
