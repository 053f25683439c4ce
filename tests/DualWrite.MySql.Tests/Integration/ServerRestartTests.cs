using System.Diagnostics;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>The server dies under a running query; the client reports a typed I/O error and the pool recovers once it is back.</summary>
[Collection(ServerRestartCollection.Name)]
public sealed class ServerRestartTests
{
    [Fact]
    public async Task ServerKilledMidQuery_TypedConnectionLost_PoolRecoversAfterRestart()
    {
        MariaDbServer.EnsureReachable();
        var connectionString = MariaDbServer.ConnectionString(b => { b.MaximumPoolSize = 4; b.ConnectionTimeout = 30; });
        // Warm the pool with idle sessions that the restart will kill.
        var warm = new List<MySqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            warm.Add(await MariaDbServer.OpenAsync(b => { b.MaximumPoolSize = 4; b.ConnectionTimeout = 30; }));
        }

        foreach (var c in warm)
        {
            await c.DisposeAsync();
        }

        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT SLEEP(60)", connection);
        var running = command.ExecuteScalarAsync();
        await Task.Delay(500);

        try
        {
            Process.GetProcessById(MariaDbServer.ServerProcessId()).Kill();
            var error = (await running.Invoking(t => t).Should().ThrowAsync<MySqlException>()).Which;
            error.Kind.Should().Be(MySqlErrorKind.ConnectionLost);
            error.IsTransient.Should().BeTrue();
            await connection.CloseAsync();
        }
        finally
        {
            await WaitForExitAsync();
            MariaDbServer.Services("up mariadb");
        }

        // Every idle session in the pool died with the server: the next opens must get fresh ones.
        for (var i = 0; i < 6; i++)
        {
            await using var again = new MySqlConnection(connectionString);
            await again.OpenAsync();
            await using var check = new MySqlCommand("SELECT 1 + 1", again);
            (await check.ExecuteScalarAsync()).Should().Be(2L);
        }
    }

    private static async Task WaitForExitAsync()
    {
        var pidFile = Path.Combine(MariaDbServer.ServicesDir, "mariadb", "mysqld.pid");
        for (var i = 0; i < 100 && File.Exists(pidFile); i++)
        {
            try
            {
                var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                using var process = Process.GetProcessById(pid);
                if (process.HasExited)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or InvalidOperationException)
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}
