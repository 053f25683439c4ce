using MySqlConnector;

namespace DualWrite.MySql.Control;

public sealed partial class MySqlPhaseConfigurationProvider
{
    /// <remarks>A PeriodicTimer skips ticks missed while a slow poll ran instead of queuing them.</remarks>
    private async Task PollLoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await PollSafelyAsync(notify: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            timer.Dispose();
            if (_ownsDataSource)
            {
                await _dataSource.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task PollSafelyAsync(bool notify, CancellationToken cancellationToken)
    {
        try
        {
            await PollAsync(notify, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed poll must keep the last phases and retry, whatever failed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RecordFailure(ex);
        }
    }

    /// <summary>Reads every row; when any phase or revision differs from the last read, replaces the data and (when <paramref name="notify"/>) signals a reload.</summary>
    private async Task PollAsync(bool notify, CancellationToken cancellationToken)
    {
        bool changed;
        await _pollGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = await ReadRowsAsync(cancellationToken).ConfigureAwait(false);
            RecordSuccess();
            changed = _rows is null || !rows.AsSpan().SequenceEqual(_rows);
            if (changed)
            {
                var skipped = new List<string>();
                Data = ToFlags(rows, _options.FlagNamePrefix, skipped);
                _rows = rows;
                LogPhasesRead(_logger, rows.Length, _where);
                foreach (var entity in skipped)
                {
                    LogRowSkipped(_logger, entity, _where);
                }
            }
        }
        finally
        {
            _pollGate.Release();
        }

        if (changed && notify)
        {
            OnReload();
        }
    }

    private async Task<PhaseRow[]> ReadRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<PhaseRow>();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand(_sql.PollPhases, connection);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(new PhaseRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }
        }

        return [.. rows];
    }

    private void RecordSuccess()
    {
        if (ConsecutiveFailures > 0)
        {
            LogPollRecovered(_logger, _where, ConsecutiveFailures);
        }

        ConsecutiveFailures = 0;
        LastError = null;
        LastSuccessfulPoll = _options.TimeProvider.GetUtcNow();
    }

    private void RecordFailure(Exception ex)
    {
        // Only the message and type are logged: they name the server and the fault, never the connection string.
        var error = $"{ex.GetType().Name}: {ex.Message}";
        var repeated = string.Equals(error, LastError, StringComparison.Ordinal);
        ConsecutiveFailures++;
        LastError = error;
        if (repeated)
        {
            LogPollStillFailing(_logger, _where, ConsecutiveFailures, error);
        }
        else
        {
            LogPollFailed(_logger, _where, error, LastSuccessfulPoll?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never");
        }
    }
}
