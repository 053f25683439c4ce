using DualWrite.MySql.Replication;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>
/// Binlog behaviour that changes the server (restarts, global settings, accounts, purges): on the fault server, which
/// no other test uses, and one at a time.
/// </summary>
[Collection(BinlogServerCollection.Name)]
public sealed class BinlogServerTests : BinlogTestBase
{
    protected override uint Port => MariaDbFaultServer.Port;

    private const string NoReplicationUser = "dw_noreplication";
    private const string NoReplicationPassword = "pw-123";

    [Fact]
    public async Task ServerRestart_MidStream_ReaderReconnectsAndLosesNothing()
    {
        await ExecuteAsync("CREATE TABLE s (id INT PRIMARY KEY)");
        var start = await CurrentPositionAsync();
        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions
        {
            IncludeTable = (schema, _) => schema == Database,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconnectAttempts = 40,
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var keys = new List<object?>();
        var gotFirstBatch = new TaskCompletionSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var transaction in reader.ReadAsync(start, cts.Token))
            {
                keys.AddRange(transaction.Changes.Select(c => c.Key[0]));
                if (keys.Count == 5)
                {
                    gotFirstBatch.TrySetResult();
                }

                if (keys.Count == 10)
                {
                    return;
                }
            }
        });

        for (var i = 1; i <= 5; i++)
        {
            await ExecuteAsync("INSERT INTO s VALUES (@i)", ("@i", i));
        }

        await gotFirstBatch.Task.WaitAsync(cts.Token);
        await MariaDbFaultServer.KillAsync();
        MariaDbFaultServer.Start();
        await MySqlConnection.ClearAllPoolsAsync();
        for (var i = 6; i <= 10; i++)
        {
            await ExecuteAsync("INSERT INTO s VALUES (@i)", ("@i", i));
        }

        await consumer.WaitAsync(cts.Token);
        keys.Should().Equal(Enumerable.Range(1, 10).Cast<object>());
        reader.Reconnects.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task CheckSource_RowMetadataMinimal_NamesTheSettingToChange()
    {
        await ExecuteAsync("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
        try
        {
            var reader = new BinlogReader(ReaderConnectionString);

            var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<BinlogException>()).Which;

            error.Kind.Should().Be(BinlogErrorKind.SourceMisconfigured);
            error.Message.Should().Contain("binlog_row_metadata is MINIMAL, needs FULL").And.Contain("SET GLOBAL binlog_row_metadata");
        }
        finally
        {
            await ExecuteAsync("SET GLOBAL binlog_row_metadata = 'FULL'");
        }
    }

    [Fact]
    public async Task CheckSource_AccountWithoutReplicationPrivilege_IsRefusedWithTheGrantToRun()
    {
        await CreateAccountWithoutReplicationAsync();
        try
        {
            var reader = new BinlogReader(NoReplicationConnectionString);

            var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<BinlogException>()).Which;

            error.Kind.Should().Be(BinlogErrorKind.SourceMisconfigured);
            error.Message.Should().Contain("REPLICATION SLAVE").And.NotContain(NoReplicationPassword);
        }
        finally
        {
            await DropAccountWithoutReplicationAsync();
        }
    }

    [Fact]
    public async Task Stream_AccountWithoutReplicationPrivilege_IsSourceMisconfiguredWithTheGrantToRun()
    {
        // The start-up checks skipped: the replication connection itself is refused, and says why.
        await CreateAccountWithoutReplicationAsync();
        try
        {
            var start = await CurrentPositionAsync();
            var reader = new BinlogReader(NoReplicationConnectionString, new BinlogReaderOptions { SkipStartupChecks = true, StopAtEnd = true, ReconnectAttempts = 0 });
            var act = async () =>
            {
                await foreach (var _ in reader.ReadAsync(start))
                {
                }
            };

            var error = (await act.Should().ThrowAsync<BinlogException>()).Which;

            error.Kind.Should().Be(BinlogErrorKind.SourceMisconfigured);
            error.Message.Should().Contain("REPLICATION SLAVE").And.NotContain(NoReplicationPassword);
        }
        finally
        {
            await DropAccountWithoutReplicationAsync();
        }
    }

    [Fact]
    public async Task PurgedBinlog_AtCheckpoint_IsATypedReSnapshotError()
    {
        await ExecuteAsync("CREATE TABLE p (id INT PRIMARY KEY)");
        var old = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO p VALUES (1)");
        await ExecuteAsync("FLUSH BINARY LOGS");
        var current = await CurrentPositionAsync();

        // MariaDB keeps a file until its crash-recovery checkpoint has moved past it: purge until it is gone.
        await Eventually.WaitUntilAsync(async () =>
        {
            await ExecuteAsync($"PURGE BINARY LOGS TO '{current.File}'");
            return !await BinaryLogExistsAsync(old.File);
        }, $"the server to purge {old.File}", TimeSpan.FromSeconds(30));

        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { StopAtEnd = true, ReconnectAttempts = 0 });
        (await reader.Invoking(r => r.EnsureAvailableAsync(old)).Should().ThrowAsync<BinlogException>()).Which.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
        var act = async () =>
        {
            await foreach (var _ in reader.ReadAsync(new BinlogPosition(old.File, old.Offset)))
            {
            }
        };
        var error = (await act.Should().ThrowAsync<BinlogException>()).Which;
        error.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
        error.Message.Should().Contain(old.File).And.Contain("re-snapshot");

        // Without the start-up check, the server's own refusal of the purged file is the same typed error.
        var streamOnly = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { StopAtEnd = true, ReconnectAttempts = 0, SkipStartupChecks = true });
        var stream = async () =>
        {
            await foreach (var _ in streamOnly.ReadAsync(new BinlogPosition(old.File, old.Offset)))
            {
            }
        };
        var refused = (await stream.Should().ThrowAsync<BinlogException>()).Which;
        refused.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
        refused.Number.Should().Be(1236);
        refused.Message.Should().Contain("re-snapshot");
    }

    private string NoReplicationConnectionString =>
        ConnectionString(b => { b.UserID = NoReplicationUser; b.Password = NoReplicationPassword; b.Database = ""; });

    private Task CreateAccountWithoutReplicationAsync() => ExecuteAsync(
        $"DROP USER IF EXISTS '{NoReplicationUser}'@'%'; CREATE USER '{NoReplicationUser}'@'%' IDENTIFIED BY '{NoReplicationPassword}'; " +
        $"GRANT SELECT ON *.* TO '{NoReplicationUser}'@'%'");

    private Task DropAccountWithoutReplicationAsync() => ExecuteAsync($"DROP USER IF EXISTS '{NoReplicationUser}'@'%'");

    private async Task<bool> BinaryLogExistsAsync(string file)
    {
        var rows = await SelectAsync("SHOW BINARY LOGS");
        return rows.Any(r => (string?)r[0] == file);
    }
}
