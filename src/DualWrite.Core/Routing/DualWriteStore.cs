using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Shadow;
using DualWrite.Core.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace DualWrite.Core.Routing;

/// <summary>
/// The repository decorator: an <see cref="IVersionedStore{TKey, TValue}"/> over an old and a new store for one
/// entity that routes each call by the entity's current phase (read once per call, see <see cref="MigrationPhaseExtensions.Routing"/>).
/// Writes go to the authoritative store first, and a failure there fails the caller; then, where the phase writes
/// both stores, the same record goes to the secondary through a resilience pipeline (timeout, retry with jitter,
/// circuit breaker), and a failure there is recorded in the repair log instead of failing the caller. Only if
/// that record cannot be written either does the caller see a failure. When the authoritative store is an
/// <see cref="IOutboxStore{TKey, TValue}"/>, the repair entry is written with the record, before the secondary
/// write, and completed after it (the transactional outbox).
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed partial class DualWriteStore<TKey, TValue> : IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    private readonly IVersionedStore<TKey, TValue> _old;
    private readonly IVersionedStore<TKey, TValue> _new;
    private readonly IPhaseSource _phases;
    private readonly IRepairLog<TKey> _repairLog;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _secondaryPipeline;
    private readonly Resilience.SecondaryWriteOptions _secondaryWrites;
    private readonly ShadowReadOptions _shadow;
    private readonly IEqualityComparer<TValue> _valueComparer;
    private readonly DualWriteMetrics? _metrics;
    private readonly SloWindow? _objectives;
    private readonly ILogger _logger;
    private readonly RepairLogLookup<TKey> _lookup;
    private readonly OutstandingCall[] _outstandingWrites = [new(), new()];

    /// <summary>Creates the decorator for <paramref name="entity"/>.</summary>
    /// <param name="entity">The entity name the phase source and repair log know it by.</param>
    /// <param name="oldStore">The store being migrated away from.</param>
    /// <param name="newStore">The store being migrated to; it must order keys as <paramref name="oldStore"/> does.</param>
    /// <param name="phases">Where the entity's phase is read on every call.</param>
    /// <param name="repairLog">Where failed secondary writes (and, in NewOnly, the old store's pending writes) are recorded; an outbox store's own log, or a <see cref="DirectedRepairLog{TKey}"/> when both stores are outboxes.</param>
    /// <param name="options">Resilience, shadow reads, clock, metrics and logging; defaults when null.</param>
    /// <exception cref="ArgumentException">A store is an <see cref="IOutboxStore{TKey, TValue}"/> whose log is not the one <paramref name="repairLog"/> keeps its intents in, or the options are invalid.</exception>
    public DualWriteStore(
        string entity,
        IVersionedStore<TKey, TValue> oldStore,
        IVersionedStore<TKey, TValue> newStore,
        IPhaseSource phases,
        IRepairLog<TKey> repairLog,
        DualWriteStoreOptions<TValue>? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(oldStore);
        ArgumentNullException.ThrowIfNull(newStore);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(repairLog);
        options ??= new();
        EnsureOwnLog(oldStore, repairLog, StoreRole.New, nameof(oldStore));
        EnsureOwnLog(newStore, repairLog, StoreRole.Old, nameof(newStore));
        var errors = new Options.OptionErrors();
        options.SecondaryWrites.Validate("SecondaryWrites", errors);
        options.ShadowReads.Validate("ShadowReads", errors);
        options.RepairLookup.Validate("RepairLookup", errors);
        if (errors.Errors.Count > 0)
        {
            throw new ArgumentException($"Invalid options for entity '{entity}': {string.Join(" ", errors.Errors)}", nameof(options));
        }

        Entity = entity;
        _old = oldStore;
        _new = newStore;
        _phases = phases;
        _repairLog = repairLog;
        _time = options.TimeProvider ?? TimeProvider.System;
        _secondaryPipeline = Resilience.SecondaryWritePipeline.Build(options.SecondaryWrites, _time);
        _secondaryWrites = options.SecondaryWrites;
        _shadow = options.ShadowReads;
        _valueComparer = options.ValueComparer ?? EqualityComparer<TValue>.Default;
        _metrics = options.Metrics;
        _objectives = options.Objectives;
        _logger = options.Logger ?? NullLogger.Instance;
        _lookup = new RepairLogLookup<TKey>(entity, repairLog, options.RepairLookup, _time, _logger);
        _metrics?.TrackPhase(entity, () => _phases.GetPhase(Entity));
    }

    /// <summary>The entity this decorator routes.</summary>
    public string Entity { get; }

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer => _old.KeyComparer;

    /// <summary>
    /// Reads from the phase's read store. If the repair log says the read store may still lack a write of
    /// <paramref name="key"/>, the other store is read too and the newer record wins, so a rollback (or a
    /// cutover) before the repair has run never shows an older version than one already served. The log is asked
    /// within <see cref="RepairLookupOptions.Timeout"/>: when its database is down or hangs, the read is served from the
    /// read store if the log was last seen with no entry toward it in this phase, and refused otherwise (see
    /// <see cref="RepairLookupOptions"/>). In the phases that write both stores, a sample of reads is also shadowed
    /// (see <see cref="ShadowReadOptions"/>).
    /// </summary>
    /// <exception cref="RepairLogUnavailableException">The repair log could not be asked and was not known to hold nothing toward the read store.</exception>
    public async ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        var routing = CurrentRouting();
        var shadow = routing.WritesSecondary && ShouldShadow() ? StartShadowRead(key, routing.Reads.Other()) : null;

        // Ask the log first: an entry completed after this check was repaired before the read below.
        var behind = await _lookup.MayLackAsync(key, routing.Reads, routing.Phase, cancellationToken).ConfigureAwait(false);
        var record = await Measure(routing.Reads, "get", static (s, k, ct) => s.GetAsync(k, ct), key, cancellationToken).ConfigureAwait(false);
        if (behind)
        {
            var other = await Store(routing.Reads.Other()).GetAsync(key, cancellationToken).ConfigureAwait(false);
            record = other is not null && (record is null || other.Version > record.Version) ? other : record;
        }

        if (shadow is not null)
        {
            TrackShadowComparison(CompareShadowAsync(key, routing.Reads, record, shadow));
        }

        return record;
    }

    /// <summary>Scans the phase's read store (no repair-log correction: scans serve reconciliation, which compares both stores anyway).</summary>
    public IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(KeyRange<TKey> range, int batchSize, CancellationToken cancellationToken) =>
        Store(CurrentRouting().Reads).ScanAsync(range, batchSize, cancellationToken);

    /// <summary>
    /// Loads into the phase's authoritative store only. Bulk loads fill a store from a snapshot; the other store
    /// is filled by the backfill and change feed, not by this call.
    /// </summary>
    public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken) =>
        Store(CurrentRouting().WriteAuthority).BulkLoadAsync(records, cancellationToken);

    /// <summary>An outbox store writes intents toward the other store (<paramref name="intentsToward"/>) into its own log; that must be where the decorator looks for them.</summary>
    private static void EnsureOwnLog(IVersionedStore<TKey, TValue> store, IRepairLog<TKey> repairLog, StoreRole intentsToward, string parameter)
    {
        if (store is IOutboxStore<TKey, TValue> outbox && !ReferenceEquals(outbox.RepairLog, DirectedRepairLog<TKey>.Toward(repairLog, intentsToward)))
        {
            throw new ArgumentException(
                $"An outbox store writes its intents into its own repair log; pass that log as the decorator's repair log (or, when both stores are outboxes, a DirectedRepairLog whose log toward the {intentsToward} store is it), or the repair worker will never see them.",
                parameter);
        }
    }

    private PhaseRouting CurrentRouting()
    {
        var phase = _phases.GetPhase(Entity);
        _objectives?.ObservePhase(phase);
        return phase.Routing();
    }

    private IVersionedStore<TKey, TValue> Store(StoreRole role) => role == StoreRole.Old ? _old : _new;

    /// <summary>Runs one call on the authoritative or read store, counting it and its latency (a failure too).</summary>
    private async ValueTask<TResult> Measure<TArg, TResult>(
        StoreRole role,
        string operation,
        Func<IVersionedStore<TKey, TValue>, TArg, CancellationToken, ValueTask<TResult>> call,
        TArg argument,
        CancellationToken cancellationToken)
    {
        if (_metrics is null && _objectives is null)
        {
            return await call(Store(role), argument, cancellationToken).ConfigureAwait(false);
        }

        var start = _time.GetTimestamp();
        var failed = true;
        try
        {
            var result = await call(Store(role), argument, cancellationToken).ConfigureAwait(false);
            failed = false;
            return result;
        }
        finally
        {
            var end = _time.GetTimestamp();
            _objectives?.RecordCall(end - start, failed);
            _metrics?.RecordOperation(Entity, role, operation, _time.GetElapsedTime(start, end), failed);
        }
    }
}
