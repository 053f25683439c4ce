using DualWrite.Hosting.Flags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace DualWrite.MySql.Control;

/// <summary>
/// Serves the phase table as feature flags and polls it in the background: each poll is one small
/// <c>SELECT</c> of every row, and a reload is signalled only when a row's phase or revision changed. A failed
/// poll keeps the data last read, logs a warning (once per distinct error) and is retried on the next tick.
/// </summary>
public sealed partial class MySqlPhaseConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly MySqlPhaseConfigurationOptions _options;
    private readonly PhaseControlSql _sql;
    private readonly MySqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _where;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private PhaseRow[]? _rows;
    private Task? _loop;
    private volatile bool _disposed;

    /// <summary>Creates the provider; nothing is read until <see cref="Load"/>.</summary>
    public MySqlPhaseConfigurationProvider(MySqlPhaseConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _sql = new PhaseControlSql(options.Tables);
        _ownsDataSource = options.DataSource is null;
        _dataSource = options.DataSource ?? new MySqlDataSource(options.ConnectionString);

        // Names the server, database and table for messages; the connection string itself (with its password) is never logged.
        var settings = new MySqlConnectionStringBuilder(_dataSource.ConnectionString);
        _where = $"{settings.Server}:{settings.Port}/{settings.Database}.{options.Tables.PhaseTable}";
        _logger = options.LoggerFactory?.CreateLogger<MySqlPhaseConfigurationProvider>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>When the phase table was last read successfully; null before the first success.</summary>
    public DateTimeOffset? LastSuccessfulPoll { get; private set; }

    /// <summary>The error of the most recent poll when it failed; null once a poll succeeds.</summary>
    public string? LastError { get; private set; }

    /// <summary>How many polls in a row have failed.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>
    /// Reads the phase table now (the configuration API is synchronous) and, the first time, starts the poll loop.
    /// </summary>
    /// <exception cref="InvalidOperationException">The first read failed and the source is not optional; the message names the server and table.</exception>
    public override void Load()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loop is not null)
        {
            // A reload of the whole configuration root: refresh now, but a failure keeps the data as a failed poll does.
            Task.Run(() => PollSafelyAsync(notify: false, _stopping.Token)).GetAwaiter().GetResult();
            return;
        }

        try
        {
            Task.Run(() => PollAsync(notify: false, _stopping.Token)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordFailure(ex);
            if (!_options.Optional)
            {
                DisposeDataSource();
                throw new InvalidOperationException(FirstLoadMessage(ex), ex);
            }
        }

        // The timer exists before Load returns, so no tick is lost to a loop that has not started running yet.
        var timer = new PeriodicTimer(_options.PollInterval, _options.TimeProvider);
        _loop = Task.Run(() => PollLoopAsync(timer, _stopping.Token));
    }

    /// <summary>Stops the poll loop and closes the provider's own connections (not an application's data source); the data last read stays readable.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();

        // No blocking wait for the loop (that could hold a pool thread the loop itself needs): it closes the
        // connections when it ends. Without a loop there is nothing to wait for.
        if (_loop is null)
        {
            DisposeDataSource();
        }
    }

    /// <summary>Closes the provider's own pool; an application's data source stays the application's.</summary>
    private void DisposeDataSource()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private string FirstLoadMessage(Exception ex)
    {
        var hint = ex is MySqlException { Number: 1146 }
            ? " Create the control tables first (`dualwrite phase init`, or MySqlPhaseControl.EnsureSchemaAsync)."
            : "";
        return $"Cannot read the migration phases from {_where}: {ex.Message}.{hint} Set Optional to start without them.";
    }

    private static Dictionary<string, string?> ToFlags(PhaseRow[] rows, string prefix, List<string> skipped)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var row in rows)
        {
            if (string.IsNullOrWhiteSpace(row.Entity) || row.Entity.Contains(':', StringComparison.Ordinal))
            {
                skipped.Add(row.Entity);
                continue;
            }

            // The phase goes out as stored, even when it is not a phase name: the phase source then keeps the
            // last good phase and reports the bad value, instead of the flag silently vanishing here.
            PhaseFlagSchema.WriteVariantFlag(data, index++, prefix + row.Entity, row.Phase);
        }

        return data;
    }
}
