using System.Diagnostics;
using MySqlConnector;

namespace DualWrite.Testing;

/// <summary>
/// The second MariaDB of eng/services.sh (<c>mariadb-faults</c>, port DUALWRITE_MYSQL_FAULTS_PORT, default 33307), set up
/// like the first: the one tests may kill, restart, purge or reconfigure, so that nothing they do reaches the tests that
/// run on the first server at the same time.
/// </summary>
public static class MariaDbFaultServer
{
    public static uint Port => uint.Parse(
        Environment.GetEnvironmentVariable("DUALWRITE_MYSQL_FAULTS_PORT") is { Length: > 0 } port ? port : "33307",
        System.Globalization.CultureInfo.InvariantCulture);

    public static MySqlConnectionStringBuilder Builder(Action<MySqlConnectionStringBuilder>? configure = null) =>
        MariaDbServer.Builder(b =>
        {
            b.Port = Port;
            configure?.Invoke(b);
        });

    public static string ConnectionString(Action<MySqlConnectionStringBuilder>? configure = null) => Builder(configure).ConnectionString;

    /// <summary>Opens a connection, failing with instructions when the server is not running.</summary>
    public static async Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        EnsureReachable();
        var connection = new MySqlConnection(ConnectionString(configure));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs one statement on a fresh connection to <paramref name="database"/> (null: the test database).</summary>
    public static async Task ExecuteAsync(string sql, string? database = null)
    {
        await using var connection = await OpenAsync(b => b.Database = database ?? MariaDbServer.Database);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A scratch database unique to the caller.</summary>
    public static async Task<string> CreateScratchDatabaseAsync(string prefix)
    {
        var full = $"t_{prefix}_{Guid.NewGuid():N}";
        var name = full[..Math.Min(full.Length, 48)];
        await ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4");
        return name;
    }

    public static void EnsureReachable() => MariaDbServer.EnsureReachable(Port, "mariadb-faults");

    /// <summary>Kills the server (SIGKILL: no shutdown, as a crash) and waits until the process is gone.</summary>
    public static async Task KillAsync()
    {
        using var server = Process.GetProcessById(ProcessId());
        server.Kill();
        await server.WaitForExitAsync();
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open, new ones are accepted by the kernel, and every call on them
    /// hangs, as with a server that stopped answering. <see cref="Resume"/> undoes it.
    /// </summary>
    public static void Pause() => PostgreSqlFaultServer.Signal("STOP", [ProcessId()]);

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public static void Resume() => PostgreSqlFaultServer.Signal("CONT", [ProcessId()]);

    /// <summary>Starts the server again (eng/services.sh up mariadb-faults) and returns once it answers.</summary>
    public static void Start() => MariaDbServer.Services("up mariadb-faults");

    /// <summary>The server's process id, from the pid file the services script configures.</summary>
    public static int ProcessId() =>
        int.Parse(File.ReadAllText(Path.Combine(MariaDbServer.ServicesDir, "mariadb-faults", "mysqld.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
