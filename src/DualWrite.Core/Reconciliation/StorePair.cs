using System.Runtime.CompilerServices;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Reconciliation;

/// <summary>How a versioned store's keys and values become the reconciler's rows.</summary>
/// <typeparam name="TKey">The store's key.</typeparam>
/// <typeparam name="TValue">The store's value.</typeparam>
/// <param name="KeyValues">A key's column values, in canonical form (<see cref="CanonicalEncoding"/>).</param>
/// <param name="KeyOf">The key those values make.</param>
/// <param name="Columns">The compared fields: a name and the field's canonical value.</param>
public sealed record StoreShape<TKey, TValue>(
    Func<TKey, IReadOnlyList<object?>> KeyValues,
    Func<IReadOnlyList<object?>, TKey> KeyOf,
    IReadOnlyList<(string Name, Func<TValue, object?> Value)> Columns)
    where TKey : notnull;

/// <summary>
/// Any two versioned stores as a reconciliation pair (the decorator's old and new stores): each side is one ordered scan
/// of its store (tombstones are absent keys), keys re-read with <see cref="IVersionedStore{TKey, TValue}.GetAsync"/>.
/// Versions are compared: both stores carry the application's. The repairer writes the source's record into the target
/// through the target's version guard.
/// </summary>
/// <typeparam name="TKey">The stores' key.</typeparam>
/// <typeparam name="TValue">The stores' value.</typeparam>
public sealed class StorePair<TKey, TValue> : IReconcilePair
    where TKey : notnull
{
    private readonly StoreShape<TKey, TValue> _shape;

    /// <summary>Creates the pair.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="source">The old store.</param>
    /// <param name="target">The new store.</param>
    /// <param name="shape">How keys and values become rows.</param>
    /// <param name="feed">What carries the old store's writes to the new one (e.g. <see cref="SettledFeed"/> over the decorator's repair log).</param>
    /// <param name="batchSize">Records per scan round trip.</param>
    public StorePair(string entity, IVersionedStore<TKey, TValue> source, IVersionedStore<TKey, TValue> target, StoreShape<TKey, TValue> shape, IChangeFeed feed, int batchSize = 1000)
    {
        ArgumentException.ThrowIfNullOrEmpty(entity);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Entity = entity;
        _shape = shape;
        Feed = feed;
        Columns = [.. shape.Columns.Select(c => c.Name)];
        Source = new Side(this, source, batchSize);
        Target = new Side(this, target, batchSize);
        KeyOrder = Comparer<RowKey>.Create((a, b) => source.KeyComparer.Compare(shape.KeyOf(a.Values), shape.KeyOf(b.Values)));
        Repairer = new StoreRepairer(this, source, target);
        SchemaFingerprint = string.Join(",", Columns);
    }

    /// <inheritdoc />
    public string Entity { get; }

    /// <inheritdoc />
    public string Display => $"{Entity}: old store → new store";

    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public bool VersionsCompared => true;

    /// <inheritdoc />
    public IComparer<RowKey> KeyOrder { get; }

    /// <inheritdoc />
    public IRowSource Source { get; }

    /// <inheritdoc />
    public IRowSource Target { get; }

    /// <inheritdoc />
    public IChangeFeed Feed { get; }

    /// <inheritdoc />
    public IReconcileRepairer? Repairer { get; }

    /// <inheritdoc />
    public string SchemaFingerprint { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconcileRange>> SplitAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReconcileRange>>([new ReconcileRange(0, "all keys", null)]);

    private ReconcileRow Row(VersionedRecord<TKey, TValue> record) =>
        new(new RowKey(_shape.KeyValues(record.Key)), record.Version, [.. _shape.Columns.Select(c => c.Value(record.Value!))]);

    private sealed class Side(StorePair<TKey, TValue> pair, IVersionedStore<TKey, TValue> store, int batchSize) : IRowSource
    {
        public async IAsyncEnumerable<ReconcileRow> ReadAsync(ReconcileRange range, RowKey? after, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var from = after is null ? KeyRange<TKey>.All : KeyRange<TKey>.AtOrAfter(pair._shape.KeyOf(after.Values));
            await foreach (var record in store.ScanAsync(from, batchSize, cancellationToken).ConfigureAwait(false))
            {
                if (record.IsTombstone)
                {
                    continue;
                }

                var row = pair.Row(record);
                if (after is not null && row.Key.Equals(after))
                {
                    continue;
                }

                yield return row;
            }
        }

        public async Task<KeyRead> ReadKeysAsync(IReadOnlyCollection<RowKey> keys, CancellationToken cancellationToken)
        {
            var rows = new Dictionary<RowKey, ReconcileRow>();
            var deleted = new Dictionary<RowKey, long>();
            foreach (var key in keys)
            {
                switch (await store.GetAsync(pair._shape.KeyOf(key.Values), cancellationToken).ConfigureAwait(false))
                {
                    case { IsTombstone: false } record:
                        rows[key] = pair.Row(record);
                        break;
                    case { } tombstone:
                        deleted[key] = tombstone.Version;
                        break;
                }
            }

            return new KeyRead(rows, Deleted: deleted);
        }
    }

    /// <summary>Writes the old store's current record into the new one (a tombstone for a key the old store lacks), under the new store's version guard.</summary>
    private sealed class StoreRepairer(StorePair<TKey, TValue> pair, IVersionedStore<TKey, TValue> source, IVersionedStore<TKey, TValue> target) : IReconcileRepairer
    {
        public async Task<IReadOnlyList<RepairAction>> RepairAsync(IReadOnlyList<RowDifference> differences, bool dryRun, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(differences);
            var actions = new List<RepairAction>();
            foreach (var difference in differences)
            {
                var key = pair._shape.KeyOf(difference.Key.Values);
                var current = await source.GetAsync(key, cancellationToken).ConfigureAwait(false);
                var existing = await target.GetAsync(key, cancellationToken).ConfigureAwait(false);
                // A key the old store never saw is tombstoned just above the new store's version.
                var record = current ?? VersionedRecord<TKey, TValue>.Tombstone(key, (existing?.Version ?? 0) + 1);
                var kind = record.IsTombstone ? RepairKind.Tombstone : RepairKind.Write;
                if (existing is not null && existing.Version >= record.Version)
                {
                    actions.Add(new RepairAction(difference.Key, RepairKind.SkippedNewer, existing.Version, Applied: false));
                    continue;
                }

                if (dryRun)
                {
                    actions.Add(new RepairAction(difference.Key, kind, record.Version, Applied: false));
                    continue;
                }

                var result = await target.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
                actions.Add(result == WriteResult.Applied
                    ? new RepairAction(difference.Key, kind, record.Version, Applied: true)
                    : new RepairAction(difference.Key, RepairKind.SkippedNewer, existing?.Version ?? record.Version, Applied: false));
            }

            return actions;
        }
    }
}

/// <summary>
/// A change feed whose "applied" is a callback that waits for the writes in flight to land (the decorator's secondary
/// writes, the repair worker's drain): positions are moments on the clock.
/// </summary>
/// <param name="settle">Waits until every write made before it was called has reached the target.</param>
/// <param name="time">The clock positions are read from.</param>
public sealed class SettledFeed(Func<CancellationToken, Task> settle, TimeProvider? time = null) : IChangeFeed
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<FeedPosition> HeadAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return ValueTask.FromResult(new FeedPosition(now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), now.UtcTicks));
    }

    /// <inheritdoc />
    public async ValueTask<bool> WaitAppliedAsync(FeedPosition position, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(bound);
        try
        {
            await settle(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>Checkpoints that keep nothing: every run starts over (for pairs compared in process, like the decorator's stores).</summary>
public sealed class TransientCheckpoints : IReconcileCheckpoints
{
    /// <summary>The one instance.</summary>
    public static TransientCheckpoints Instance { get; } = new();

    private TransientCheckpoints()
    {
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChunkResult>> BeginAsync(string entity, bool fresh, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChunkResult>>([]);

    /// <inheritdoc />
    public Task RecordChunkAsync(string entity, ChunkResult chunk, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task FinishAsync(EntityReport report, CancellationToken cancellationToken) => Task.CompletedTask;
}
