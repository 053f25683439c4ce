using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace DualWrite.Testing;

/// <summary>
/// The real PostgreSQL the integration tests run against, started by eng/services.sh. Settings come from the same
/// DUALWRITE_PG_* variables (with the script's defaults).
/// </summary>
public static class PostgreSqlServer
{
    public static string Host => Env("DUALWRITE_PG_HOST", "127.0.0.1");
    public static int Port => int.Parse(Env("DUALWRITE_PG_PORT", "55432"), CultureInfo.InvariantCulture);
    public static string User => Env("DUALWRITE_PG_USER", "dualwrite");
    public static string Password => Env("DUALWRITE_PG_PASSWORD", "dualwrite-local-only");
    public static string Database => Env("DUALWRITE_PG_DATABASE", "dualwrite");

    public static string ConnectionString(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Password = Password,
            Database = Database,
            SslMode = SslMode.Disable,
        };
        configure?.Invoke(builder);
        return builder.ConnectionString;
    }

    /// <summary>A data source over the test database, after checking the server is up.</summary>
    public static NpgsqlDataSource CreateDataSource(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        EnsureReachable();
        return NpgsqlDataSource.Create(ConnectionString(configure));
    }

    /// <summary>Fails with how to start the server when nothing listens on its port, so no test passes without it.</summary>
    public static void EnsureReachable() => EnsureReachable(Port, "postgres");

    /// <summary>Fails with how to start the instance <paramref name="service"/> of eng/services.sh when nothing listens on <paramref name="port"/>.</summary>
    public static void EnsureReachable(int port, string service)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(Host, port);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {Host}:{port} ({ex.SocketErrorCode}). Start it with `eng/services.sh up {service}` " +
                "(and `eval \"$(eng/services.sh env)\"` for its settings), or run the whole suite with `eng/test.sh`, which starts it.", ex);
        }
    }

    internal static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
