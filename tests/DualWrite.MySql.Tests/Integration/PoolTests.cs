using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration;

public sealed class PoolTests
{
    [Fact]
    public async Task SixtyFourConcurrentUsers_ShareABoundedPool()
    {
        MariaDbServer.EnsureReachable();
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => { b.MaximumPoolSize = 16; b.ConnectionTimeout = 60; }));
        var threadIds = new System.Collections.Concurrent.ConcurrentDictionary<long, byte>();

        var users = Enumerable.Range(0, 64).Select(async user =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                threadIds.TryAdd(connection.ServerThreadId, 0);
                await using var command = new MySqlCommand("SELECT @u * 1000 + @i, CONNECTION_ID()", connection);
                command.Parameters.AddWithValue("@u", user);
                command.Parameters.AddWithValue("@i", i);
                await using var reader = await command.ExecuteReaderAsync();
                (await reader.ReadAsync()).Should().BeTrue();
                reader.GetInt64(0).Should().Be(user * 1000L + i);
                reader.GetInt64(1).Should().Be(connection.ServerThreadId);
            }
        });
        await Task.WhenAll(users);

        threadIds.Count.Should().BeInRange(1, 16, "the pool never opens more than MaximumPoolSize sessions");
        dataSource.IdleConnections.Should().BeInRange(1, 16);
    }

    [Fact]
    public async Task ReturnedConnection_IsReset_BeforeReuse()
    {
        MariaDbServer.EnsureReachable();
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => b.MaximumPoolSize = 1));
        long firstThread;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            firstThread = connection.ServerThreadId;
            await using var set = new MySqlCommand("SET @leftover = 'dirty'; CREATE TEMPORARY TABLE tmp_leftover (x INT)", connection);
            await set.ExecuteNonQueryAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            connection.ServerThreadId.Should().Be(firstThread, "the pooled session is reused");
            await using var check = new MySqlCommand("SELECT @leftover", connection);
            (await check.ExecuteScalarAsync()).Should().Be(DBNull.Value);
            await using var temp = new MySqlCommand("SELECT * FROM tmp_leftover", connection);
            (await temp.Invoking(c => c.ExecuteScalarAsync()).Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1146);
        }
    }

    [Fact]
    public async Task PoolExhausted_WaitsThenFailsWithTypedError()
    {
        MariaDbServer.EnsureReachable();
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => { b.MaximumPoolSize = 2; b.ConnectionTimeout = 1; }));
        await using var a = await dataSource.OpenConnectionAsync();
        await using var b = await dataSource.OpenConnectionAsync();

        var error = (await dataSource.Invoking(d => d.OpenConnectionAsync().AsTask()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.PoolExhausted);
        error.Message.Should().Contain("MaximumPoolSize");
    }

    [Fact]
    public async Task OpenTransaction_IsRolledBackWhenConnectionReturns()
    {
        var scratch = await MariaDbServer.CreateScratchDatabaseAsync("pooltx");
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => { b.Database = scratch; b.MaximumPoolSize = 1; }));
        await using (var setup = await dataSource.OpenConnectionAsync())
        {
            await using var create = new MySqlCommand("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB", setup);
            await create.ExecuteNonQueryAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var insert = new MySqlCommand("START TRANSACTION; INSERT INTO t VALUES (1)", connection);
            await insert.ExecuteNonQueryAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var count = new MySqlCommand($"SELECT COUNT(*) FROM t; DROP DATABASE `{scratch}`", connection);
            (await count.ExecuteScalarAsync()).Should().Be(0L);
        }
    }

    [Fact]
    public async Task ReturnedConnection_WhoseDatabaseWasChanged_ComesBackOnTheConfiguredDatabase()
    {
        var scratch = await MariaDbServer.CreateScratchDatabaseAsync("pooldb");
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b => b.MaximumPoolSize = 1));
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var use = new MySqlCommand($"USE `{scratch}`; DROP DATABASE `{scratch}`", connection);
            await use.ExecuteNonQueryAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var check = new MySqlCommand("SELECT DATABASE()", connection);
            (await check.ExecuteScalarAsync()).Should().Be(MariaDbServer.Database);
        }
    }
}
