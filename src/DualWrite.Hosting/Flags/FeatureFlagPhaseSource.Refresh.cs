namespace DualWrite.Hosting.Flags;

public sealed partial class FeatureFlagPhaseSource
{
    /// <summary>How long after a reload signal the flags are read a second time.</summary>
    private static readonly TimeSpan ReloadSettleDelay = TimeSpan.FromMilliseconds(25);

    private long _ticket;
    private int _refreshRequested;
    private int _backgroundRunning;

    /// <summary>
    /// Reads every registered entity's flag now and updates what <see cref="GetPhase"/> serves. A flag problem
    /// does not throw: it shows in <see cref="GetStatuses"/> (and <see cref="GetPhase"/> throws for an entity
    /// that has never had a valid phase).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The source is disposed.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var cell in _cells.Values)
        {
            await RefreshCellAsync(cell, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshCellAsync(PhaseCell cell, CancellationToken cancellationToken)
    {
        // The ticket is taken before the read so that readings are ordered by when they started.
        var ticket = Interlocked.Increment(ref _ticket);
        var reading = await ReadFlagAsync(cell.FlagName, cancellationToken).ConfigureAwait(false);
        if (cell.Apply(ticket, reading, _timeProvider.GetUtcNow()) is not { } change || !change.Before.DiffersFrom(change.After))
        {
            return;
        }

        var (before, after) = change;
        if (after.Problem == PhaseFlagProblem.None)
        {
            if (before.Problem != PhaseFlagProblem.None)
            {
                LogFlagRecovered(_logger, cell.Entity, cell.FlagName, after.Phase);
            }

            if (!before.HasPhase || before.Phase != after.Phase)
            {
                LogPhaseChanged(_logger, cell.Entity, after.Phase, before.HasPhase ? before.Phase.ToString() : "none", cell.FlagName);
            }
        }
        else if (after.HasPhase)
        {
            LogKeepingLastGoodPhase(_logger, cell.Entity, cell.FlagName, after.Problem, after.Detail, after.Phase);
        }
        else
        {
            LogPhaseUnavailable(_logger, cell.Entity, cell.FlagName, after.Problem, after.Detail);
        }
    }

    /// <summary>
    /// Reads the flags at once, and again shortly after: the feature manager's definition cache is invalidated by
    /// its own callback on the same reload signal, which may run after this one, so the first read can still see
    /// the old definitions. The second read does not wait for the refresh timer to correct that.
    /// </summary>
    private void OnConfigurationReload()
    {
        RequestRefresh();
        _ = RequestRefreshAfterAsync(ReloadSettleDelay);
    }

    private async Task RequestRefreshAfterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception) when (_disposed)
        {
            return;
        }

        RequestRefresh();
    }

    /// <summary>Asks for a refresh in the background; requests that arrive while one runs are folded into one more pass.</summary>
    private void RequestRefresh()
    {
        if (_disposed)
        {
            return;
        }

        // Set before checking who runs: a pass already running sees it and goes round once more, so a reload
        // that lands while a pass reads older values is never lost.
        Volatile.Write(ref _refreshRequested, 1);
        if (Interlocked.CompareExchange(ref _backgroundRunning, 1, 0) == 0)
        {
            _ = Task.Run(RunBackgroundRefreshAsync);
        }
    }

    private async Task RunBackgroundRefreshAsync()
    {
        while (true)
        {
            try
            {
                while (!_disposed && Interlocked.Exchange(ref _refreshRequested, 0) == 1)
                {
                    await RefreshAsync(_stopping.Token).ConfigureAwait(false);
                }
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
#pragma warning disable CA1031 // A failed background pass must not crash the process; the cached phases stay and the next pass retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRefreshFailed(_logger, ex);
            }

            Volatile.Write(ref _backgroundRunning, 0);

            // A request that arrived after the last check but before the flag was cleared would otherwise wait for the next one.
            if (_disposed || Volatile.Read(ref _refreshRequested) == 0 || Interlocked.CompareExchange(ref _backgroundRunning, 1, 0) != 0)
            {
                return;
            }
        }
    }
}
