using System.Diagnostics;
using DualWrite.MySql.Replication;
using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>Binlog behaviour that changes the shared server (restarts, global settings, purges): run alone.</summary>
[Collection(ServerRestartCollection.Name)]
public sealed class BinlogServerTests : BinlogTestBase
{
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
        using (var server = Process.GetProcessById(MariaDbServer.ServerProcessId()))
        {
            server.Kill();
            await server.WaitForExitAsync(cts.Token);
        }

        MariaDbServer.Services("up mariadb");
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

            var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<MySqlException>()).Which;

            error.Kind.Should().Be(MySqlErrorKind.SourceMisconfigured);
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
        const string user = "dw_noreplication";
        await ExecuteAsync($"DROP USER IF EXISTS '{user}'@'%'; CREATE USER '{user}'@'%' IDENTIFIED BY 'pw-123'; GRANT SELECT ON *.* TO '{user}'@'%'");
        try
        {
            var reader = new BinlogReader(MariaDbServer.ConnectionString(b => { b.UserID = user; b.Password = "pw-123"; b.Database = ""; }));

            var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<MySqlException>()).Which;

            error.Kind.Should().Be(MySqlErrorKind.SourceMisconfigured);
            error.Message.Should().Contain("REPLICATION SLAVE").And.NotContain("pw-123");
        }
        finally
        {
            await ExecuteAsync($"DROP USER IF EXISTS '{user}'@'%'");
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
        for (var attempt = 0; attempt < 100 && await BinaryLogExistsAsync(old.File); attempt++)
        {
            await ExecuteAsync($"PURGE BINARY LOGS TO '{current.File}'");
            await Task.Delay(100);
        }

        (await BinaryLogExistsAsync(old.File)).Should().BeFalse("the test needs the old binlog purged");
        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { StopAtEnd = true, ReconnectAttempts = 0 });

        (await reader.Invoking(r => r.EnsureAvailableAsync(old)).Should().ThrowAsync<MySqlException>()).Which.Kind.Should().Be(MySqlErrorKind.BinlogPurged);
        var act = async () =>
        {
            await foreach (var _ in reader.ReadAsync(new BinlogPosition(old.File, old.Offset)))
            {
            }
        };
        var error = (await act.Should().ThrowAsync<MySqlException>()).Which;
        error.Kind.Should().Be(MySqlErrorKind.BinlogPurged);
        error.Message.Should().Contain(old.File).And.Contain("re-snapshot");
    }

    private async Task<bool> BinaryLogExistsAsync(string file)
    {
        var rows = await SelectAsync("SHOW BINARY LOGS");
        return rows.Any(r => (string?)r[0] == file);
    }
}
