using DualWrite.MySql.Stores;
using DualWrite.PostgreSql.Stores;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Dashboard;

/// <summary>
/// The default repair-log depth: the pending entries of the MySQL store adapter's log in the plan's source database and
/// of the PostgreSQL adapter's log in the target schema, under their default table names. A log that cannot be read
/// (no such table: the application keeps it elsewhere or has none) is shown with the reason instead of a figure.
/// </summary>
internal static class RepairLogDepths
{
    public static Func<string, CancellationToken, Task<IReadOnlyList<RepairLogDepth>>> Default(MySqlDataSource source, NpgsqlDataSource? target, string schema)
    {
        var mysql = new MySqlRepairLog<string>(source, k => k, k => k);
        var postgres = target is null ? null : new PostgreSqlRepairLog<string>(target, k => k, k => k, schema: schema);
        return async (entity, ct) =>
        {
            var depths = new List<RepairLogDepth> { await ReadAsync($"MySQL {MySqlRepairLog<string>.DefaultTable}", () => mysql.CountPendingAsync(entity, ct).AsTask()).ConfigureAwait(false) };
            if (postgres is not null)
            {
                depths.Add(await ReadAsync($"PostgreSQL {schema}.{PostgreSqlRepairLog<string>.DefaultTable}", () => postgres.CountPendingAsync(entity, ct)).ConfigureAwait(false));
            }

            return depths;
        };
    }

    private static async Task<RepairLogDepth> ReadAsync(string log, Func<Task<long>> count)
    {
        try
        {
            return new RepairLogDepth(log, await count().ConfigureAwait(false));
        }
        catch (MySqlStoreException ex) when (ex.Kind == MySqlStoreErrorKind.TableMissing)
        {
            return new RepairLogDepth(log, null, "no such table");
        }
        catch (PostgreSqlStoreException ex) when (ex.Kind == PostgreSqlStoreErrorKind.TableMissing)
        {
            return new RepairLogDepth(log, null, "no such table");
        }
        catch (Exception ex) when (ex is MySqlStoreException or PostgreSqlStoreException or MySqlException or NpgsqlException)
        {
            return new RepairLogDepth(log, null, $"not readable ({ex.GetType().Name})");
        }
    }
}
