using System.Data;
using System.Globalization;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>Transactions against the real server: visibility to other connections, rollback paths and isolation levels.</summary>
public class TransactionTests : ScratchDatabaseTests
{
    public TransactionTests()
        : base("transactions")
    {
    }

    public static TheoryData<IsolationLevel, string> IsolationLevels => new()
    {
        { IsolationLevel.ReadUncommitted, "READ UNCOMMITTED" },
        { IsolationLevel.ReadCommitted, "READ COMMITTED" },
        { IsolationLevel.RepeatableRead, "REPEATABLE READ" },
        { IsolationLevel.Serializable, "SERIALIZABLE" },
    };

    [Fact]
    public async Task Commit_PersistsTheWork_ForOtherConnections()
    {
        await using var connection = await OpenWithTableAsync();
        await using var other = await OpenAsync();

        var transaction = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 1);
        (await CountAsync(other)).Should().Be(0, "uncommitted work is invisible to other connections");
        (await InTransactionAsync(connection)).Should().BeTrue();

        await transaction.CommitAsync();

        (await CountAsync(other)).Should().Be(1);
        (await CountAsync(connection)).Should().Be(1);
        (await InTransactionAsync(connection)).Should().BeFalse();
        transaction.Connection.Should().BeNull("the transaction has completed");
        await transaction.DisposeAsync();
        (await CountAsync(other)).Should().Be(1, "disposing a committed transaction does not roll it back");
    }

    [Fact]
    public async Task Rollback_DiscardsTheWork()
    {
        await using var connection = await OpenWithTableAsync();
        await using var other = await OpenAsync();

        await using var transaction = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 1);
        await InsertAsync(connection, 2);
        (await CountAsync(connection)).Should().Be(2, "the transaction sees its own work");

        await transaction.RollbackAsync();

        (await CountAsync(connection)).Should().Be(0);
        (await CountAsync(other)).Should().Be(0);
        (await InTransactionAsync(connection)).Should().BeFalse();
    }

    [Fact]
    public async Task DisposeWithoutCommit_RollsBack()
    {
        await using var connection = await OpenWithTableAsync();

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertAsync(connection, 1);
            (await CountAsync(connection)).Should().Be(1);
        }

        (await CountAsync(connection)).Should().Be(0);
        (await InTransactionAsync(connection)).Should().BeFalse();

        // A new transaction can start once the old one is disposed.
        await using var next = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 2);
        await next.CommitAsync();
        (await CountAsync(connection)).Should().Be(1);
    }

    [Fact]
    public async Task SynchronousDisposeWithoutCommit_RollsBack()
    {
        await using var connection = await OpenWithTableAsync();

        using (var transaction = connection.BeginTransaction())
        {
            transaction.Should().BeOfType<MySqlTransaction>();
            await InsertAsync(connection, 1);
        }

        (await CountAsync(connection)).Should().Be(0);
    }

    [Fact]
    public async Task SynchronousCommit_Persists()
    {
        await using var connection = await OpenWithTableAsync();
        await using var other = await OpenAsync();

        using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        await InsertAsync(connection, 1);
        transaction.Commit();

        (await CountAsync(other)).Should().Be(1);
    }

    [Fact]
    public async Task ClosingTheConnectionWithoutCommit_DiscardsTheWork()
    {
        await using var other = await OpenWithTableAsync();

        await using var connection = await OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 1);
        await connection.CloseAsync();

        (await CountAsync(other)).Should().Be(0);
        await transaction.DisposeAsync();

        // The pooled session comes back without the transaction.
        await using var reopened = await OpenAsync();
        (await InTransactionAsync(reopened)).Should().BeFalse();
        await using var fresh = await reopened.BeginTransactionAsync();
        fresh.Should().NotBeNull();
    }

    [Fact]
    public async Task ClosingTheConnectionWithoutCommit_DiscardsTheWork_EvenWithoutConnectionReset()
    {
        await using var other = await OpenWithTableAsync();
        try
        {
            await using (var connection = await OpenAsync(b => b.ConnectionReset = false))
            {
                await connection.BeginTransactionAsync();
                await InsertAsync(connection, 1);
            }

            // The next user of the pooled session must not inherit the open transaction.
            await using var reused = await OpenAsync(b => b.ConnectionReset = false);
            var inherited = await InTransactionAsync(reused);
            await ExecuteAsync(reused, "COMMIT");

            (await CountAsync(other)).Should().Be(0, "the closed connection's insert must not be committed by the session's next user");
            inherited.Should().BeFalse("closing a connection rolls back its pending transaction");
        }
        finally
        {
            // Drop the pooled session so a leaked transaction cannot hold locks on the scratch database.
            await using var pooled = new MySqlConnection(MariaDbServer.ConnectionString(b =>
            {
                b.Database = Database;
                b.ConnectionReset = false;
            }));
            await MySqlConnection.ClearPoolAsync(pooled);
        }
    }

    [Theory]
    [MemberData(nameof(IsolationLevels))]
    public async Task BeginTransaction_SetsTheIsolationLevel(IsolationLevel level, string serverName)
    {
        await using var connection = await OpenWithTableAsync();

        await using var transaction = await connection.BeginTransactionAsync(level);
        await CountAsync(connection);

        transaction.IsolationLevel.Should().Be(level);
        await WaitForTrxCacheAsync();
        (await ServerIsolationLevelAsync(connection)).Should().Be(serverName);
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task IsolationLevel_AppliesToThatTransactionOnly()
    {
        await using var connection = await OpenWithTableAsync();

        await using (var serializable = await connection.BeginTransactionAsync(IsolationLevel.Serializable))
        {
            await CountAsync(connection);
            await WaitForTrxCacheAsync();
            (await ServerIsolationLevelAsync(connection)).Should().Be("SERIALIZABLE");
            await serializable.CommitAsync();
        }

        await using var unspecified = await connection.BeginTransactionAsync();
        await CountAsync(connection);
        unspecified.IsolationLevel.Should().Be(IsolationLevel.RepeatableRead);
        await WaitForTrxCacheAsync();
        (await ServerIsolationLevelAsync(connection)).Should().Be("REPEATABLE READ", "the session default applies again");
    }

    [Fact]
    public async Task ReadCommitted_SeesOtherCommits_WhileRepeatableReadKeepsItsSnapshot()
    {
        await using var writer = await OpenWithTableAsync();
        await using var readCommitted = await OpenAsync();
        await using var repeatableRead = await OpenAsync();

        await using var rc = await readCommitted.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        await using var rr = await repeatableRead.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        (await CountAsync(readCommitted)).Should().Be(0);
        (await CountAsync(repeatableRead)).Should().Be(0);

        await InsertAsync(writer, 1);

        (await CountAsync(readCommitted)).Should().Be(1);
        (await CountAsync(repeatableRead)).Should().Be(0);
        await rr.CommitAsync();
        (await CountAsync(repeatableRead)).Should().Be(1, "a new snapshot after the commit");
    }

    [Fact]
    public async Task ReadUncommitted_SeesUncommittedWrites_WhileReadCommittedDoesNot()
    {
        await using var writer = await OpenWithTableAsync();
        await using var dirty = await OpenAsync();
        await using var clean = await OpenAsync();

        await using var writing = await writer.BeginTransactionAsync();
        await InsertAsync(writer, 1);

        await using var ru = await dirty.BeginTransactionAsync(IsolationLevel.ReadUncommitted);
        await using var rc = await clean.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        (await CountAsync(dirty)).Should().Be(1);
        (await CountAsync(clean)).Should().Be(0);
    }

    [Fact]
    public async Task Serializable_PlainReadsWaitForOtherWriters_WhileRepeatableReadDoesNot()
    {
        await using var writer = await OpenWithTableAsync();
        await using var serializable = await OpenAsync();
        await using var repeatable = await OpenAsync();
        await ExecuteAsync(serializable, "SET SESSION innodb_lock_wait_timeout = 1");
        await ExecuteAsync(repeatable, "SET SESSION innodb_lock_wait_timeout = 1");

        await using var writing = await writer.BeginTransactionAsync();
        await InsertAsync(writer, 1);

        await using var rr = await repeatable.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        (await CountAsync(repeatable)).Should().Be(0, "a consistent read takes no locks");

        await using var sr = await serializable.BeginTransactionAsync(IsolationLevel.Serializable);
        var read = () => CountAsync(serializable);
        (await read.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1205, "a serializable read waits for the writer's lock");
    }

    [Fact]
    public async Task ServerErrorInsideATransaction_DoesNotEndIt()
    {
        await using var connection = await OpenWithTableAsync();
        await using var other = await OpenAsync();

        await using var transaction = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 1);
        var duplicate = () => InsertAsync(connection, 1);
        (await duplicate.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1062);
        (await InTransactionAsync(connection)).Should().BeTrue();
        await InsertAsync(connection, 2);
        await transaction.CommitAsync();

        (await CountAsync(other)).Should().Be(2);
    }

    [Fact]
    public async Task CompletingTwice_ThrowsInvalidOperationException()
    {
        await using var connection = await OpenWithTableAsync();

        var transaction = await connection.BeginTransactionAsync();
        await transaction.CommitAsync();

        var commit = () => transaction.CommitAsync();
        var rollback = () => transaction.RollbackAsync();
        await commit.Should().ThrowAsync<InvalidOperationException>();
        await rollback.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task NestedBeginTransaction_ThrowsInvalidOperationException()
    {
        await using var connection = await OpenWithTableAsync();

        await using var transaction = await connection.BeginTransactionAsync();
        await InsertAsync(connection, 1);
        var nested = async () => await connection.BeginTransactionAsync();

        await nested.Should().ThrowAsync<InvalidOperationException>();
        (await CountAsync(connection)).Should().Be(1, "the outer transaction is untouched");
        (await InTransactionAsync(connection)).Should().BeTrue();
    }

    [Theory]
    [InlineData(IsolationLevel.Snapshot)]
    [InlineData(IsolationLevel.Chaos)]
    public async Task UnsupportedIsolationLevel_ThrowsNotSupported_WithoutStartingATransaction(IsolationLevel level)
    {
        await using var connection = await OpenWithTableAsync();

        var begin = async () => await connection.BeginTransactionAsync(level);

        await begin.Should().ThrowAsync<NotSupportedException>();
        (await InTransactionAsync(connection)).Should().BeFalse();
        await using var transaction = await connection.BeginTransactionAsync();
        transaction.Should().NotBeNull();
    }

    [Fact]
    public async Task CreateCommand_TakesTheCurrentTransaction()
    {
        await using var connection = await OpenWithTableAsync();

        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();

        command.Transaction.Should().BeSameAs(transaction);
        transaction.Connection.Should().BeSameAs(connection);
    }

    private async Task<MySqlConnection> OpenWithTableAsync()
    {
        var connection = await OpenAsync();
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY) ENGINE=InnoDB");
        return connection;
    }

    private static Task<int> InsertAsync(MySqlConnection connection, int id) => ExecuteAsync(connection, "INSERT INTO t (id) VALUES (?)", id);

    private static async Task<long> CountAsync(MySqlConnection connection) =>
        Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM t"), CultureInfo.InvariantCulture);

    private static async Task<bool> InTransactionAsync(MySqlConnection connection) =>
        Convert.ToInt64(await ScalarAsync(connection, "SELECT @@in_transaction"), CultureInfo.InvariantCulture) == 1;

    /// <summary>INFORMATION_SCHEMA.INNODB_TRX is served from a cache refreshed at most every 100 ms.</summary>
    private static Task WaitForTrxCacheAsync() => Task.Delay(250);

    /// <summary>The isolation level InnoDB reports for this connection's running transaction.</summary>
    private static async Task<string?> ServerIsolationLevelAsync(MySqlConnection connection) =>
        await ScalarAsync(connection,
            "SELECT trx_isolation_level FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()") as string;
}
