using DualWrite.MySql.Control;
using MySqlConnector;

namespace DualWrite.MySql.Health;

/// <summary>
/// Reads the health report table beside the phase tables, where application instances publish their decorators'
/// figures (<see cref="MySqlHealthReporter"/>), for the gates of a phase move.
/// </summary>
public static class MySqlHealthReports
{
    /// <summary>
    /// Sums the reports for <paramref name="entity"/> whose window began at or after <paramref name="since"/>, over every
    /// instance; <see cref="HealthReportTotals.None"/> when there are none (or the table does not exist yet).
    /// </summary>
    public static async Task<HealthReportTotals> SumAsync(
        MySqlDataSource dataSource, PhaseControlTables tables, string entity, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand(new HealthReportSql(tables).Sum, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("@entity", entity);
                command.Parameters.AddWithValue("@since", since.UtcDateTime);
                MySqlDataReader reader;
                try
                {
                    reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == MySqlErrors.NoSuchTable)
                {
                    return HealthReportTotals.None;
                }

                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var instances = reader.GetInt32(0);
                    return instances == 0 ? HealthReportTotals.None : new HealthReportTotals(
                        instances,
                        reader.GetInt64(1),
                        reader.GetInt64(2),
                        reader.GetInt64(3),
                        reader.GetInt64(4),
                        Utc(reader.GetDateTime(5)),
                        Utc(reader.GetDateTime(6)));
                }
            }
        }
    }

    internal static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));
}
