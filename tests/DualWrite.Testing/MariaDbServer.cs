using System.Diagnostics;
using System.Net.Sockets;
using MySqlConnector;

namespace DualWrite.Testing;

/// <summary>
/// The real MariaDB the integration tests run against, started by eng/services.sh. Settings come
/// from the same DUALWRITE_MYSQL_* variables (with the script's defaults). Connections are MySqlConnector's, with
/// its default settings, as an application's would be.
/// </summary>
public static class MariaDbServer
{
    public static string Host => Env("DUALWRITE_MYSQL_HOST", "127.0.0.1");
    public static uint Port => uint.Parse(Env("DUALWRITE_MYSQL_PORT", "33306"), System.Globalization.CultureInfo.InvariantCulture);
    public static string User => Env("DUALWRITE_MYSQL_USER", "dualwrite");
    public static string Password => Env("DUALWRITE_MYSQL_PASSWORD", "dualwrite-local-only");
    public static string Database => Env("DUALWRITE_MYSQL_DATABASE", "dualwrite");
    public static string ServicesDir => Env("DUALWRITE_SERVICES_DIR", "/tmp/dualwrite-services");
    public static string TlsCa => Path.Combine(ServicesDir, "tls", "ca.pem");
    public static string OtherCa => Path.Combine(ServicesDir, "tls", "other-ca.pem");

    public static MySqlConnectionStringBuilder Builder(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = Port,
            UserID = User,
            Password = Password,
            Database = Database,
            SslMode = MySqlSslMode.None,
        };
        configure?.Invoke(builder);
        return builder;
    }

    public static string ConnectionString(Action<MySqlConnectionStringBuilder>? configure = null) => Builder(configure).ConnectionString;

    /// <summary>A data source over the test database, after checking the server is up.</summary>
    public static MySqlDataSource DataSource(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        EnsureReachable();
        return new MySqlDataSource(ConnectionString(configure));
    }

    /// <summary>Runs one statement on a fresh connection to <paramref name="database"/> (null: the test database).</summary>
    public static async Task ExecuteAsync(string sql, string? database = null)
    {
        await using var connection = await OpenAsync(b => b.Database = database ?? Database);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops <paramref name="database"/> if it exists.</summary>
    public static Task DropDatabaseAsync(string database) => ExecuteAsync($"DROP DATABASE IF EXISTS `{database.Replace("`", "``", StringComparison.Ordinal)}`");

    /// <summary>Opens a connection, failing with instructions when the server is not running.</summary>
    public static async Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        EnsureReachable();
        var connection = new MySqlConnection(ConnectionString(configure));
        await connection.OpenAsync();
        return connection;
    }

    public static void EnsureReachable() => EnsureReachable(Port, "mariadb");

    /// <summary>Fails with how to start the server when nothing listens on <paramref name="port"/>, so no test passes without it.</summary>
    public static void EnsureReachable(uint port, string service)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(Host, (int)port);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException(
                $"MariaDB ({service}) is not reachable at {Host}:{port} ({ex.SocketErrorCode}). Start it with `eng/services.sh up {service}` " +
                "(and `eval \"$(eng/services.sh env)\"` for its settings), or run the whole suite with `eng/test.sh`, which starts it.", ex);
        }
    }

    /// <summary>Runs eng/services.sh with arguments (for tests that stop and restart the server).</summary>
    public static void Services(string arguments)
    {
        var script = Path.Combine(RepositoryRoot(), "eng", "services.sh");
        var start = new ProcessStartInfo("bash", $"{script} {arguments}") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"eng/services.sh {arguments} failed: {stderr.Result}");
        }
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DualWrite.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (DualWrite.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>A scratch database unique to the caller, dropped and recreated.</summary>
    public static async Task<string> CreateScratchDatabaseAsync(string prefix)
    {
        var full = $"t_{prefix}_{Guid.NewGuid():N}";
        var name = full[..Math.Min(full.Length, 48)];
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
