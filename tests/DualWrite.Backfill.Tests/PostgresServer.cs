using System.Net.Sockets;
using Npgsql;

namespace DualWrite.Backfill.Tests;

/// <summary>The real PostgreSQL the backfill tests write to, started by eng/services.sh (DUALWRITE_PG_* settings).</summary>
public static class PostgresServer
{
    public static string Host => Env("DUALWRITE_PG_HOST", "127.0.0.1");
    public static int Port => int.Parse(Env("DUALWRITE_PG_PORT", "55432"), System.Globalization.CultureInfo.InvariantCulture);

    public static string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Env("DUALWRITE_PG_USER", "dualwrite"),
        Password = Env("DUALWRITE_PG_PASSWORD", "dualwrite-local-only"),
        Database = Env("DUALWRITE_PG_DATABASE", "dualwrite"),
    }.ConnectionString;

    public static NpgsqlDataSource DataSource()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(Host, Port);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {Host}:{Port} ({ex.SocketErrorCode}). Start it with `eng/services.sh up postgres` " +
                "(or run the whole suite with `eng/test.sh`, which starts it).", ex);
        }

        return NpgsqlDataSource.Create(ConnectionString);
    }

    public static async Task<T?> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
