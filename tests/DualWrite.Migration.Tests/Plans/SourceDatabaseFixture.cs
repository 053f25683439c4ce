using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Plans;

/// <summary>A scratch database on the test MariaDB with the tables the validator tests check plans against.</summary>
public sealed class SourceDatabaseFixture : IAsyncLifetime
{
    public string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await MariaDbServer.CreateScratchDatabaseAsync("plans");
        await ExecuteAsync(
            $"""
            CREATE TABLE `{Database}`.customers (
              id INT NOT NULL PRIMARY KEY,
              email VARCHAR(100) NOT NULL,
              name TEXT NULL,
              balance DECIMAL(12,2) NOT NULL,
              row_version BIGINT NOT NULL,
              label VARCHAR(20) NULL,
              big_version BIGINT UNSIGNED NULL,
              secret VARCHAR(50) NULL,
              created_at DATETIME(6) NOT NULL);
            CREATE TABLE `{Database}`.order_lines (order_id BIGINT NOT NULL, line_no INT NOT NULL, qty INT NOT NULL, code CHAR(8) NOT NULL, PRIMARY KEY (order_id, line_no));
            CREATE TABLE `{Database}`.events (id INT NOT NULL, payload TEXT NULL);
            CREATE TABLE `{Database}`.places (id INT NOT NULL PRIMARY KEY, spot POINT NOT NULL, name VARCHAR(20) NULL);
            INSERT INTO `{Database}`.order_lines VALUES (1, 1, 2, 'A'), (1, 2, 1, 'B'), (2, 1, 5, 'C');
            ANALYZE TABLE `{Database}`.order_lines;
            """);
    }

    public Task DisposeAsync() => ExecuteAsync($"DROP DATABASE IF EXISTS `{Database}`");

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
