using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DualWrite.Core.Routing;

/// <summary>
/// The read path's questions to the repair log: may the read store lack a write of this key, and is a store behind
/// anywhere. Each question is bounded by <see cref="RepairLookupOptions.Timeout"/>, because with both stores as
/// outboxes the entries toward the read store live in the other store's database, and a read must not wait on a
/// database that is down or hangs.
/// </summary>
/// <remarks>
/// <para>
/// A question that fails or runs past the bound is answered from what the log last said about the whole direction.
/// In every phase the store that serves reads is the authoritative one, so nothing in the phase writes entries toward
/// it: they come only from instances still in an earlier phase, and those have moved on once the phase has settled
/// (<see cref="RepairLookupOptions.PhaseSettleTime"/>). So a direction seen empty by a check that began in the current
/// phase, after it settled, is still empty, and the read is served from the read store. Without such a check the read
/// fails with <see cref="RepairLogUnavailableException"/>, since serving it could show an older version than one
/// already acknowledged. The direction is checked in the background every <see cref="RepairLookupOptions.RefreshInterval"/>.
/// </para>
/// <para>
/// Until the log has answered once about a store, its questions are bounded by
/// <see cref="RepairLookupOptions.FirstAnswerTimeout"/> instead: the first ones open connections to its database, which
/// on a busy machine takes longer than the bound for a warm one, and before an answer there is nothing to serve a read
/// from but a refusal.
/// </para>
/// <para>
/// After a failure the log is not asked again for <see cref="RepairLookupOptions.RetryAfter"/>, and after a call ran
/// past the bound, not until that call has finished: a database that hangs costs one waiting call per direction, not
/// one per read.
/// </para>
/// </remarks>
/// <typeparam name="TKey">The entity's key type.</typeparam>
internal sealed partial class RepairLogLookup<TKey>
    where TKey : notnull
{
    private readonly string _entity;
    private readonly IRepairLog<TKey> _log;
    private readonly RepairLookupOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Direction[] _directions = [new(), new()];
    private readonly Lock _phaseGate = new();
    private MigrationPhase? _phase;
    private long _phaseSince;

    public RepairLogLookup(string entity, IRepairLog<TKey> log, RepairLookupOptions? options, TimeProvider? time, ILogger? logger)
    {
        _entity = entity;
        _log = log;
        _options = options ?? new();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Whether a pending entry says <paramref name="readStore"/> (the store serving reads in <paramref name="phase"/>)
    /// may lack a write of <paramref name="key"/>; see the remarks for what an unanswered question gives.
    /// </summary>
    /// <exception cref="RepairLogUnavailableException">The log did not answer and was never seen empty in this phase.</exception>
    public ValueTask<bool> MayLackAsync(TKey key, StoreRole readStore, MigrationPhase phase, CancellationToken cancellationToken) =>
        AskAsync(readStore, phase, isReadStore: true, perKey: true, key, static (log, entity, key, target, ct) => log.HasPendingAsync(entity, key!, target, ct), cancellationToken);

    /// <summary>
    /// Whether any pending entry names <paramref name="target"/>. Unanswered, the read store's direction is answered as
    /// <see cref="MayLackAsync"/> is, and the other store counts as behind (so a query stays on the read store).
    /// </summary>
    /// <exception cref="RepairLogUnavailableException">The read store's direction did not answer and was never seen empty in this phase.</exception>
    public ValueTask<bool> IsBehindAsync(StoreRole target, MigrationPhase phase, CancellationToken cancellationToken) =>
        AskAsync(target, phase, isReadStore: target == phase.Routing().Reads, perKey: false, default, static (log, entity, _, target, ct) => log.HasPendingTowardAsync(entity, target, ct), cancellationToken);

    private async ValueTask<bool> AskAsync(
        StoreRole target,
        MigrationPhase phase,
        bool isReadStore,
        bool perKey,
        TKey? key,
        Func<IRepairLog<TKey>, string, TKey?, StoreRole, CancellationToken, ValueTask<bool>> question,
        CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var phaseSince = ObservePhase(phase, now);
        var direction = _directions[(int)target];
        if (isReadStore && perKey)
        {
            RefreshIfDue(direction, target, phase, phaseSince, now);
        }

        if (!direction.MayAsk(now, _time, _options.RetryAfter))
        {
            return Unanswered(direction, target, phase, phaseSince, isReadStore, "an earlier question failed or is still waiting");
        }

        var bound = Bound(direction);
        var answer = await BoundedAsync(direction, target, now, bound, question(_log, _entity, key, target, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (answer is not { } pending)
        {
            return Unanswered(direction, target, phase, phaseSince, isReadStore, $"it did not answer within {bound.TotalMilliseconds:0} ms or failed");
        }

        if (pending)
        {
            direction.SeenEmpty = null;
        }
        else if (!perKey)
        {
            SeenEmpty(direction, target, phase, now);
        }

        return pending;
    }

    /// <summary>
    /// How long a question toward <paramref name="direction"/> may take: <see cref="RepairLookupOptions.Timeout"/> once
    /// the log has answered about it, <see cref="RepairLookupOptions.FirstAnswerTimeout"/> before that.
    /// </summary>
    private TimeSpan Bound(Direction direction) => direction.HasAnswered ? _options.Timeout : _options.FirstAnswerTimeout;

    /// <summary>The question's answer within <paramref name="bound"/>; null when it failed or ran past it (then the direction waits).</summary>
    private async ValueTask<bool?> BoundedAsync(Direction direction, StoreRole target, long startedAt, TimeSpan bound, ValueTask<bool> call, CancellationToken cancellationToken)
    {
        var task = call.AsTask();
        try
        {
            var answer = await task.WaitAsync(bound, _time, cancellationToken).ConfigureAwait(false);
            direction.Answered();
            return answer;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            direction.Waiting(task);
            LogUnanswered(target, bound, null);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure of the log is answered from what it last said; the next question tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            direction.Failed(startedAt);
            LogUnanswered(target, bound, ex);
            return null;
        }
    }

    private bool Unanswered(Direction direction, StoreRole target, MigrationPhase phase, long phaseSince, bool isReadStore, string why)
    {
        if (!isReadStore)
        {
            return true;
        }

        if (direction.SeenEmpty is { } seen && seen.Phase == phase && _time.GetElapsedTime(phaseSince, seen.At) >= _options.PhaseSettleTime)
        {
            return false;
        }

        throw new RepairLogUnavailableException(
            $"The repair log of {_entity} toward the {target} store cannot be asked ({why}), and it has not been seen empty since {phase} settled: " +
            $"the {target} store may lack an acknowledged write, so the read is refused rather than served possibly stale.");
    }

    /// <summary>Starts a background check of the whole direction when one is due and the phase has settled.</summary>
    private void RefreshIfDue(Direction direction, StoreRole target, MigrationPhase phase, long phaseSince, long now)
    {
        if (_time.GetElapsedTime(phaseSince, now) < _options.PhaseSettleTime
            || (direction.LastRefresh is { } last && _time.GetElapsedTime(last, now) < _options.RefreshInterval)
            || !direction.MayAsk(now, _time, _options.RetryAfter)
            || !direction.TryStartRefresh(now))
        {
            return;
        }

        _ = RefreshAsync(direction, target, phase, now);
    }

    private async Task RefreshAsync(Direction direction, StoreRole target, MigrationPhase phase, long startedAt)
    {
        try
        {
            // No caller's token: the check serves later reads, bounded by the timeout alone.
            switch (await BoundedAsync(direction, target, startedAt, Bound(direction), _log.HasPendingTowardAsync(_entity, target, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            {
                case true:
                    direction.SeenEmpty = null;
                    break;
                case false:
                    SeenEmpty(direction, target, phase, startedAt);
                    break;
            }
        }
        finally
        {
            direction.EndRefresh();
        }
    }

    /// <summary>Records a check begun at <paramref name="at"/> that found no entry toward <paramref name="target"/>; says so once per phase when it counts.</summary>
    private void SeenEmpty(Direction direction, StoreRole target, MigrationPhase phase, long at)
    {
        direction.SeenEmpty = (phase, at);
        bool settled;
        lock (_phaseGate)
        {
            settled = _phase == phase && _time.GetElapsedTime(_phaseSince, at) >= _options.PhaseSettleTime;
        }

        if (settled && target == phase.Routing().Reads && direction.Announce(phase))
        {
            LogLookupReady(_logger, _entity, target, phase);
        }
    }

    private long ObservePhase(MigrationPhase phase, long now)
    {
        lock (_phaseGate)
        {
            if (_phase != phase)
            {
                _phase = phase;
                _phaseSince = now;
            }

            return _phaseSince;
        }
    }

    private void LogUnanswered(StoreRole target, TimeSpan bound, Exception? failure)
    {
        if (failure is null)
        {
            LogLookupTimedOut(_logger, _entity, target, bound);
        }
        else
        {
            LogLookupFailed(_logger, _entity, target, failure);
        }
    }

    [LoggerMessage(EventId = DualWriteEventIds.RepairLookupReady, Level = LogLevel.Information, Message = "Reads of {Entity} from the {Target} store can ride out an outage of the repair log's database: in {Phase}, settled, the log held no entry toward that store")]
    private static partial void LogLookupReady(ILogger logger, string entity, StoreRole target, MigrationPhase phase);

    [LoggerMessage(EventId = DualWriteEventIds.RepairLookupTimedOut, Level = LogLevel.Warning, Message = "The repair log of {Entity} toward the {Target} store did not answer within {Timeout}; reads are answered from what it last said until it does")]
    private static partial void LogLookupTimedOut(ILogger logger, string entity, StoreRole target, TimeSpan timeout);

    [LoggerMessage(EventId = DualWriteEventIds.RepairLookupFailed, Level = LogLevel.Warning, Message = "The repair log of {Entity} toward the {Target} store could not be asked; reads are answered from what it last said until it can")]
    private static partial void LogLookupFailed(ILogger logger, string entity, StoreRole target, Exception exception);

    /// <summary>What is known of the entries toward one store, and whether the log may be asked about them now.</summary>
    private sealed class Direction
    {
        private readonly Lock _gate = new();
        private (MigrationPhase Phase, long At)? _seenEmpty;
        private readonly OutstandingCall _outstanding = new();
        private MigrationPhase? _announced;
        private long? _failedAt;
        private bool _answered;
        private int _refreshing;

        /// <summary>The phase and time of the start of the last check that found no entry toward the store.</summary>
        public (MigrationPhase Phase, long At)? SeenEmpty
        {
            get
            {
                lock (_gate)
                {
                    return _seenEmpty;
                }
            }

            set
            {
                lock (_gate)
                {
                    _seenEmpty = value;
                }
            }
        }

        public long? LastRefresh { get; private set; }

        /// <summary>Whether <paramref name="phase"/> is announced for the first time since another one was.</summary>
        public bool Announce(MigrationPhase phase)
        {
            lock (_gate)
            {
                if (_announced == phase)
                {
                    return false;
                }

                _announced = phase;
                return true;
            }
        }

        public bool MayAsk(long now, TimeProvider time, TimeSpan retryAfter)
        {
            lock (_gate)
            {
                return !_outstanding.IsWaiting && (_failedAt is not { } failed || time.GetElapsedTime(failed, now) >= retryAfter);
            }
        }

        /// <summary>Whether the log has answered a question about this store since the lookup began.</summary>
        public bool HasAnswered
        {
            get
            {
                lock (_gate)
                {
                    return _answered;
                }
            }
        }

        public void Answered()
        {
            lock (_gate)
            {
                _failedAt = null;
                _answered = true;
            }
        }

        public void Failed(long at)
        {
            lock (_gate)
            {
                _failedAt = at;
            }
        }

        /// <summary>A call ran past the bound: no other call until it ends.</summary>
        public void Waiting(Task call) => _outstanding.LeaveToFinish(call);

        public bool TryStartRefresh(long now)
        {
            if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
            {
                return false;
            }

            LastRefresh = now;
            return true;
        }

        public void EndRefresh() => Volatile.Write(ref _refreshing, 0);
    }
}
