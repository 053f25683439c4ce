using System.Diagnostics;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>Cancellation and command timeouts stop the statement on the server (KILL QUERY) and leave the connection usable.</summary>
public sealed class CancellationTests
{
    private static async Task<bool> IsStatementRunningAsync(long threadId)
    {
        await using var observer = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = @id AND COMMAND = 'Query'", observer);
        command.Parameters.AddWithValue("@id", threadId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    [Fact]
    public async Task Token_CancelledDuringLongQuery_ThrowsOperationCanceledAndKillsTheStatement()
    {
        await using var connection = await MariaDbServer.OpenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var act = async () =>
        {
            await using var command = new MySqlCommand("SELECT SLEEP(30)", connection);
            await using var reader = await command.ExecuteReaderAsync(cts.Token);
            while (await reader.ReadAsync(cts.Token))
            {
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the statement must be stopped, not waited out");
        (await IsStatementRunningAsync(connection.ServerThreadId)).Should().BeFalse();
        await using var next = new MySqlCommand("SELECT 42", connection);
        (await next.ExecuteScalarAsync()).Should().Be(42);
    }

    [Fact]
    public async Task Token_CancelledBeforeExecute_ThrowsWithoutSending()
    {
        await using var connection = await MariaDbServer.OpenAsync();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await using var command = new MySqlCommand("SELECT 1", connection);

        await command.Invoking(c => c.ExecuteScalarAsync(cts.Token)).Should().ThrowAsync<OperationCanceledException>();

        await using var next = new MySqlCommand("SELECT 2", connection);
        (await next.ExecuteScalarAsync()).Should().Be(2);
    }

    [Fact]
    public async Task CommandTimeout_Expires_ThrowsTypedTimeoutAndConnectionStaysUsable()
    {
        await using var connection = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand("SELECT SLEEP(30)", connection) { CommandTimeout = 1 };

        var error = (await command.Invoking(c => c.ExecuteScalarAsync()).Should().ThrowAsync<MySqlException>()).Which;

        error.Kind.Should().Be(MySqlErrorKind.CommandTimeout);
        error.Message.Should().Contain("1 s");
        await using var next = new MySqlCommand("SELECT 'still here'", connection);
        (await next.ExecuteScalarAsync()).Should().Be("still here");
    }

    [Fact]
    public async Task Cancel_FromAnotherThread_StopsTheRunningCommand()
    {
        await using var connection = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand("SELECT SLEEP(30)", connection);
        var running = command.ExecuteScalarAsync();
        await Task.Delay(300);

        command.Cancel();

        await running.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        (await IsStatementRunningAsync(connection.ServerThreadId)).Should().BeFalse();
    }

    [Fact]
    public async Task Token_CancelledWhileStreamingRows_StopsReading()
    {
        await using var connection = await MariaDbServer.OpenAsync();
        using var cts = new CancellationTokenSource();
        await using var command = new MySqlCommand("SELECT a.seq, b.seq FROM seq_1_to_100000 a, seq_1_to_1000 b", connection);

        var read = 0;
        var act = async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(cts.Token);
            while (await reader.ReadAsync(cts.Token))
            {
                if (++read == 1000)
                {
                    cts.Cancel();
                }
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        read.Should().BeLessThan(100_000_000);
        await using var next = new MySqlCommand("SELECT 7", connection);
        (await next.ExecuteScalarAsync()).Should().Be(7);
    }
}
