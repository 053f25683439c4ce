using System.Globalization;
using System.Text;
using DualWrite.Core.Diagnostics;
using DualWrite.MySql.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace DualWrite.MySql.Health;

/// <summary>
/// Publishes an application instance's decorator figures — secondary writes and their failures, shadow reads and
/// their mismatches, from <see cref="DualWriteMetrics.ReadFigures"/> — into the health report table beside the phase
/// tables, one row per entity and report window, so the <c>secondary-errors</c> gate of <c>dualwrite phase advance</c>
/// (another process) can read them. A window with nothing counted is reported too: it says the instance is there.
/// A report that cannot be written is kept for the next one, whose window then starts where the failed one did.
/// </summary>
public sealed partial class MySqlHealthReporter
{
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);

    private readonly MySqlDataSource _dataSource;
    private readonly HealthReportSql _sql;
    private readonly DualWriteMetrics _metrics;
    private readonly MySqlHealthReportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _where;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, EntityFigures> _published;
    private DateTimeOffset _windowStart;
    private DateTimeOffset? _cleanedAt;
    private bool _failing;

    /// <summary>Creates the reporter; its first window starts now, and what the metrics counted before is not reported.</summary>
    /// <param name="dataSource">The control database (the phase tables' database).</param>
    /// <param name="tables">The control table names; the report table is <see cref="PhaseControlTables.HealthTable"/>.</param>
    /// <param name="metrics">The decorators' metrics, the one source of the figures.</param>
    /// <param name="options">Instance name, interval and retention; the defaults when null.</param>
    /// <param name="time">Stamps the windows and drives <see cref="RunAsync"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives failed reports.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MySqlHealthReporter(
        MySqlDataSource dataSource,
        PhaseControlTables tables,
        DualWriteMetrics metrics,
        MySqlHealthReportOptions? options = null,
        TimeProvider? time = null,
        ILogger<MySqlHealthReporter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options ?? new MySqlHealthReportOptions();
        _options.Validate();
        _dataSource = dataSource;
        _sql = new HealthReportSql(tables);
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var settings = new MySqlConnectionStringBuilder(dataSource.ConnectionString);
        _where = $"{settings.Server}:{settings.Port}/{settings.Database}.{tables.HealthTable}";
        _published = metrics.ReadFigures().ToDictionary(f => f.Entity, StringComparer.Ordinal);
        _windowStart = Microseconds(_time.GetUtcNow());
    }

    /// <summary>The instance name the reports carry.</summary>
    public string Instance => _options.Instance;

    /// <summary>Writes one report per entity for the window since the last report (creating the table when missing); returns how many.</summary>
    public async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var end = Microseconds(_time.GetUtcNow());
            var figures = _metrics.ReadFigures();
            if (figures.Count > 0)
            {
                await InsertAsync(figures, end, cancellationToken).ConfigureAwait(false);
            }

            _published = figures.ToDictionary(f => f.Entity, StringComparer.Ordinal);
            _windowStart = end;
            if (_cleanedAt is not { } cleaned || end - cleaned >= CleanupEvery)
            {
                await DeleteOlderAsync(end - _options.Retention, cancellationToken).ConfigureAwait(false);
                _cleanedAt = end;
            }

            return figures.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Publishes every <see cref="MySqlHealthReportOptions.Interval"/> until cancelled; a failed report is logged and retried with the next.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, _time, cancellationToken).ConfigureAwait(false);
                await PublishAsync(cancellationToken).ConfigureAwait(false);
                if (_failing)
                {
                    _failing = false;
                    LogRecovered(_logger, _where);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A report that cannot be written must not stop the application; the next one carries its figures.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_failing)
                {
                    _failing = true;
                    LogFailed(_logger, _where, $"{ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }

    private async Task InsertAsync(IReadOnlyList<EntityFigures> figures, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand(InsertSql(figures.Count), connection);
            await using (command.ConfigureAwait(false))
            {
                for (var i = 0; i < figures.Count; i++)
                {
                    var now = figures[i];
                    var before = _published.GetValueOrDefault(now.Entity);
                    Add(command, "e", i, now.Entity);
                    Add(command, "i", i, _options.Instance);
                    Add(command, "p", i, now.Phase?.ToString());
                    Add(command, "s", i, _windowStart.UtcDateTime);
                    Add(command, "t", i, end.UtcDateTime);
                    Add(command, "w", i, now.SecondaryWrites - before.SecondaryWrites);
                    Add(command, "f", i, now.SecondaryErrors - before.SecondaryErrors);
                    Add(command, "r", i, now.ShadowReads - before.ShadowReads);
                    Add(command, "m", i, now.ShadowMismatches - before.ShadowMismatches);
                }

                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == MySqlErrors.NoSuchTable)
                {
                    // The first report into a database where `dualwrite phase init` has not made the table.
                    var create = new MySqlCommand(_sql.CreateTable, connection);
                    await using (create.ConfigureAwait(false))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private string InsertSql(int rows)
    {
        var sql = new StringBuilder(_sql.InsertPrefix);
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "\n" : ",\n").Append(CultureInfo.InvariantCulture, $"(@e{i}, @i{i}, @p{i}, @s{i}, @t{i}, @w{i}, @f{i}, @r{i}, @m{i})");
        }

        return sql.ToString();
    }

    private static void Add(MySqlCommand command, string name, int row, object? value) =>
        command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"@{name}{row}"), value);

    private async Task DeleteOlderAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand(_sql.DeleteOlder, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("@before", before.UtcDateTime);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>DATETIME(6) keeps microseconds: windows are cut to that, so a window's end is exactly the next one's start.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    [LoggerMessage(EventId = MySqlEventIds.HealthReportFailed, Level = LogLevel.Warning, Message = "Writing health reports to {Where} failed ({Error}); the figures are kept for the next report")]
    private static partial void LogFailed(ILogger logger, string where, string error);

    [LoggerMessage(EventId = MySqlEventIds.HealthReportRecovered, Level = LogLevel.Information, Message = "Writing health reports to {Where} works again")]
    private static partial void LogRecovered(ILogger logger, string where);
}
