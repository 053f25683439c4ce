using System.Globalization;
using MySqlConnector;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// A concurrent writer on the source table <c>t (id INT PK, grp INT, val VARCHAR(40), amount DECIMAL(10,2))</c>:
/// inserts (below and beyond the seeded keys, so some land in ranges not yet copied), updates, primary-key changes
/// and deletes, in small transactions.
/// </summary>
internal sealed class SourceWriter(MySqlDataSource source, int seeded, int seed)
{
    public const string CreateSql = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL, val VARCHAR(40) NULL, amount DECIMAL(10,2) NOT NULL, KEY (grp))";

    private long _operations;

    /// <summary>Statements committed so far; read while the writer runs.</summary>
    public long Operations => Volatile.Read(ref _operations);

    public static async Task SeedAsync(BackfillRig rig, int rows)
    {
        for (var start = 1; start <= rows; start += 1000)
        {
            var values = Enumerable.Range(start, Math.Min(1000, rows - start + 1))
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"({i}, {i % 7}, 'seed {i}', {i % 1000}.25)"));
            await rig.ExecuteAsync("INSERT INTO t VALUES " + string.Join(", ", values));
        }
    }

    /// <summary>Writes until <paramref name="cancellationToken"/> is cancelled; a lost connection fails the writer.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => RunAsync(rideThroughOutages: false, cancellationToken);

    /// <summary>
    /// Writes until <paramref name="cancellationToken"/> is cancelled. With <paramref name="rideThroughOutages"/> a lost
    /// connection (the server crashed or restarted) is opened again once the server answers, and the writer goes on; the
    /// statement in flight then may or may not have committed, so only the source's final state says what was acknowledged.
    /// </summary>
    public async Task RunAsync(bool rideThroughOutages, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var connection = await source.OpenConnectionAsync(CancellationToken.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await WriteOneAsync(random, connection);
                }
                catch (Exception ex) when (rideThroughOutages && MySql.MySqlErrors.IsConnectionLost(ex))
                {
                    await connection.DisposeAsync();
                    connection = await ReopenAsync(cancellationToken);
                    if (connection is null)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Opens a connection once the server answers again; null when cancelled first.</summary>
    private async Task<MySqlConnection?> ReopenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                return await source.OpenConnectionAsync(CancellationToken.None);
            }
            catch (Exception ex) when (MySql.MySqlErrors.IsConnectionLost(ex))
            {
                // The server is still down: a short pause spaces the attempts (it orders nothing).
                await Task.WhenAny(Task.Delay(100, cancellationToken));
            }
        }

        return null;
    }

    private async Task WriteOneAsync(Random random, MySqlConnection connection)
    {
        var id = random.Next(-seeded / 10, seeded + seeded / 5);
        var sql = random.Next(10) switch
        {
            0 or 1 => $"INSERT IGNORE INTO t VALUES ({id}, {id % 7}, 'new {Operations}', {random.Next(100000)}.50)",
            2 or 3 or 4 => $"UPDATE t SET val = 'upd {Operations}', amount = amount + 1 WHERE id = {id}",
            5 => $"UPDATE IGNORE t SET id = id + {seeded * 2} WHERE id = {id}",
            6 => $"DELETE FROM t WHERE id = {id}",
            7 => $"UPDATE t SET val = NULL WHERE grp = {random.Next(7)} AND id BETWEEN {id} AND {id + 20}",
            _ => $"START TRANSACTION; DELETE FROM t WHERE id = {id}; INSERT INTO t VALUES ({id}, 99, 'reinserted', 1.00); UPDATE t SET val = 'twice' WHERE id = {id}; COMMIT",
        };
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        Interlocked.Increment(ref _operations);
    }
}
