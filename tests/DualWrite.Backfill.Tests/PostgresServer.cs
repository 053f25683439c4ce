using DualWrite.Testing;

namespace DualWrite.Backfill.Tests;

/// <summary>The real PostgreSQL the backfill tests write to (settings and start-up hint from <see cref="PostgreSqlServer"/>), and two query helpers.</summary>
public static class PostgresServer
{
    public static string ConnectionString => PostgreSqlServer.ConnectionString();

    public static NpgsqlDataSource DataSource() => PostgreSqlServer.CreateDataSource();

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
}
