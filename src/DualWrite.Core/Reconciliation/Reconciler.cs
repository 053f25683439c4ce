using System.Buffers.Binary;
using System.IO.Hashing;
using System.Threading.Channels;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// The reconciliation engine: compares a pair's two keyed row streams range by range and chunk by chunk, first by a
/// digest of each side's chunk over the canonical encoding, then row by row inside the chunks whose digests differ;
/// re-checks each differing key once the change feed has passed the point it was read at, and reports only what
/// persists, classified. Both sides are read at once, each by its own reader task, and nothing but the keys that
/// differ in chunks not yet recorded is held in memory. See docs/reconcile.md.
/// </summary>
/// <param name="options">How the run behaves.</param>
/// <param name="time">The clock for durations and the re-check bound.</param>
public sealed partial class Reconciler(ReconcileOptions options, TimeProvider? time = null)
{
    /// <summary>The column name a report gives a version that differs while the values agree.</summary>
    public const string VersionColumn = "(version)";

    private const int PrefetchBatch = 512;

    private readonly ReconcileOptions _options = Validate(options);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private static ReconcileOptions Validate(ReconcileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSamples, 0, nameof(options));
        if (options.RecheckBound < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RecheckBound, "The re-check bound cannot be negative.");
        }

        if (options.DryRun && !options.Repair)
        {
            throw new ArgumentException("A dry run lists repairs: it needs Repair as well.", nameof(options));
        }

        return options;
    }

    /// <summary>Reconciles one pair, resuming the finished chunks <paramref name="checkpoints"/> holds for an unfinished earlier run.</summary>
    /// <exception cref="InvalidOperationException">Repair was asked for and the pair has no repairer.</exception>
    public async Task<EntityReport> RunAsync(IReconcilePair pair, IReconcileCheckpoints checkpoints, IProgress<ReconcileProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (_options.Repair && pair.Repairer is null)
        {
            throw new InvalidOperationException($"{pair.Display} cannot be repaired: its pair has no repairer.");
        }

        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var finished = await checkpoints.BeginAsync(pair.Entity, _options.Fresh, cancellationToken).ConfigureAwait(false);
        var ranges = await pair.SplitAsync(cancellationToken).ConfigureAwait(false);
        var tally = new Tally(pair.Entity, _options.MaxSamples, progress);
        foreach (var chunk in finished)
        {
            tally.Add(chunk, resumed: true);
        }

        var feed = new FeedWaits(pair.Feed);
        var work = new List<(ReconcileRange Range, RowKey? After, int NextChunk)>();
        foreach (var range in ranges)
        {
            var done = finished.Where(c => c.Range == range.Number).OrderBy(c => c.Chunk).ToList();
            if (done.Count > 0 && done[^1].Final)
            {
                continue;
            }

            work.Add((range, done.Count > 0 ? done[^1].LastKey : null, done.Count > 0 ? done[^1].Chunk + 1 : 0));
        }

        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
            async (item, token) => await new RangeComparison(this, pair, feed, checkpoints, tally, item.Range, item.After, item.NextChunk).RunAsync(token).ConfigureAwait(false))
            .ConfigureAwait(false);

        // What the result holds at: the source's head now, once the feed has applied it.
        var head = await pair.Feed.HeadAsync(cancellationToken).ConfigureAwait(false);
        var reached = await feed.WaitAsync(head, _options.RecheckBound, cancellationToken).ConfigureAwait(false);
        var report = tally.Report(pair, startedAt, _time.GetUtcNow(), _time.GetElapsedTime(started), reached ? head : null, _options.DryRun);
        await checkpoints.FinishAsync(report, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>One range: both sides streamed at once and merged in key order, cut into chunks of source rows.</summary>
    private sealed class RangeComparison(
        Reconciler owner,
        IReconcilePair pair,
        FeedWaits feed,
        IReconcileCheckpoints checkpoints,
        Tally tally,
        ReconcileRange range,
        RowKey? after,
        int nextChunk)
    {
        private readonly ChunkState _chunk = new();
        private int _chunkNo = nextChunk;

        /// <summary>
        /// Streams and merges the range while its closed chunks are settled (re-checked, repaired, recorded) in order by
        /// a task of their own, so the readers do not wait on a chunk's round trips; at most
        /// <see cref="ChunksAhead"/> closed chunks wait to be settled.
        /// </summary>
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var source = Prefetch(pair.Source.ReadAsync(range, after, stop.Token), stop.Token);
            var target = Prefetch(pair.Target.ReadAsync(range, after, stop.Token), stop.Token);
            var closed = Channel.CreateBounded<ClosedChunk>(new BoundedChannelOptions(ChunksAhead) { SingleReader = true, SingleWriter = true });
            var settling = Task.Run(() => SettleAllAsync(closed.Reader, stop), CancellationToken.None);
            try
            {
                try
                {
                    await MergeAsync(source, target, closed.Writer, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Settling a chunk failed and stopped the merge: that failure is the one that counts.
                    await settling.ConfigureAwait(false);
                    throw;
                }

                closed.Writer.Complete();
                await settling.ConfigureAwait(false);
            }
            finally
            {
                closed.Writer.TryComplete();
                await stop.CancelAsync().ConfigureAwait(false);
                await Drain(source).ConfigureAwait(false);
                await Drain(target).ConfigureAwait(false);
                await Drain(settling).ConfigureAwait(false);
            }
        }

        private async Task MergeAsync(RowCursor source, RowCursor target, ChannelWriter<ClosedChunk> closed, CancellationToken cancellationToken)
        {
            var order = pair.KeyOrder;
            var hasSource = await source.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            var hasTarget = await target.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            while (hasSource || hasTarget)
            {
                var next = !hasSource ? target.Current.Key
                    : !hasTarget ? source.Current.Key
                    : order.Compare(source.Current.Key, target.Current.Key) <= 0 ? source.Current.Key : target.Current.Key;
                if (_chunk.SourceRows >= owner._options.ChunkSize && order.Compare(next, _chunk.LastSourceKey!) > 0)
                {
                    await CloseAsync(closed, final: false, cancellationToken).ConfigureAwait(false);
                }

                ulong? sourceHash = null, targetHash = null;
                if (hasSource && order.Compare(source.Current.Key, next) == 0)
                {
                    sourceHash = _chunk.AddSource(source.Current, pair.VersionsCompared);
                    hasSource = await source.MoveNextAsync(cancellationToken).ConfigureAwait(false);
                }

                if (hasTarget && order.Compare(target.Current.Key, next) == 0)
                {
                    targetHash = _chunk.AddTarget(target.Current, pair.VersionsCompared);
                    hasTarget = await target.MoveNextAsync(cancellationToken).ConfigureAwait(false);
                }

                if (sourceHash != targetHash)
                {
                    // On one side only, or with different row hashes: a key the row diff names if the digests differ.
                    _chunk.Suspect(next);
                }
            }

            await CloseAsync(closed, final: true, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Closes the current chunk: its digests and suspects go to be settled, and a new chunk starts.</summary>
        private async Task CloseAsync(ChannelWriter<ClosedChunk> closed, bool final, CancellationToken cancellationToken)
        {
            var chunk = new ClosedChunk(
                _chunkNo++, _chunk.LastSourceKey, _chunk.SourceRows, _chunk.TargetRows, _chunk.SourceDigest(), _chunk.TargetDigest(), [.. _chunk.Suspects], final);
            _chunk.Reset();
            await closed.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        private async Task SettleAllAsync(ChannelReader<ClosedChunk> closed, CancellationTokenSource stop)
        {
            try
            {
                await foreach (var chunk in closed.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    await SettleAsync(chunk, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Re-checks (and repairs) a chunk whose digests differ, then records it.</summary>
        private async Task SettleAsync(ClosedChunk chunk, CancellationToken cancellationToken)
        {
            long rechecked = 0;
            IReadOnlyList<RowDifference> differences = [];
            IReadOnlyList<RepairAction> repairs = [];
            if (chunk.SourceDigest != chunk.TargetDigest)
            {
                rechecked = chunk.Suspects.Count;
                differences = await owner.RecheckAsync(pair, feed, chunk.Suspects, cancellationToken).ConfigureAwait(false);
                if (owner._options.Repair && differences.Count > 0)
                {
                    repairs = await pair.Repairer!.RepairAsync(differences, owner._options.DryRun, cancellationToken).ConfigureAwait(false);
                    if (!owner._options.DryRun)
                    {
                        // Re-verify what was repaired: what still differs is reported.
                        differences = await owner.RecheckAsync(pair, feed, [.. differences.Select(d => d.Key)], cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var result = new ChunkResult(
                range.Number, chunk.Number, chunk.LastSourceKey, chunk.SourceRows, chunk.TargetRows,
                chunk.SourceDigest, chunk.TargetDigest, rechecked, differences, repairs, chunk.Final);
            await checkpoints.RecordChunkAsync(pair.Entity, result, cancellationToken).ConfigureAwait(false);
            tally.Add(result, resumed: false);
        }
    }

    /// <summary>How many closed chunks of a range may wait to be settled while its merge goes on.</summary>
    private const int ChunksAhead = 2;

    /// <summary>A chunk the merge has closed: what settling it needs.</summary>
    private sealed record ClosedChunk(
        int Number, RowKey? LastSourceKey, long SourceRows, long TargetRows, string SourceDigest, string TargetDigest, IReadOnlyList<RowKey> Suspects, bool Final);

    /// <summary>How many reads a key whose versions keep saying "read again" gets before its difference is taken as it stands.</summary>
    private const int Rounds = 3;

    /// <summary>
    /// Re-checks keys that differed on the first read: reads the source, waits until the feed has applied what the
    /// source held at that read, reads the target, and reads again (up to <see cref="Rounds"/> times, within the bound)
    /// the keys whose versions say one side moved on meanwhile. What still differs is classified.
    /// </summary>
    private async Task<IReadOnlyList<RowDifference>> RecheckAsync(IReconcilePair pair, FeedWaits feed, IReadOnlyList<RowKey> keys, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(_options.RecheckBound.TotalSeconds * _time.TimestampFrequency);
        var pending = keys;
        var settled = new List<RowDifference>();
        for (var round = 1; ; round++)
        {
            var head = await pair.Feed.HeadAsync(cancellationToken).ConfigureAwait(false);
            var source = await pair.Source.ReadKeysAsync(pending, cancellationToken).ConfigureAwait(false);
            var at = source.At ?? head;
            var left = TimeSpan.FromSeconds(Math.Max(0, (deadline - _time.GetTimestamp()) / (double)_time.TimestampFrequency));
            var reached = await feed.WaitAsync(at, left, cancellationToken).ConfigureAwait(false);
            var target = await pair.Target.ReadKeysAsync(pending, cancellationToken).ConfigureAwait(false);
            var retry = new List<RowKey>();
            var open = new List<RowDifference>();
            foreach (var key in pending)
            {
                source.Rows.TryGetValue(key, out var s);
                target.Rows.TryGetValue(key, out var t);
                var deleted = t is null && target.Deleted is { } tombstones && tombstones.TryGetValue(key, out var d) ? d : (long?)null;
                if (Judge(pair, s, t, deleted, source.VersionAt, reached) is not { } verdict)
                {
                    continue;
                }

                if (verdict.Final)
                {
                    settled.Add(verdict.Difference);
                }
                else
                {
                    retry.Add(key);
                    open.Add(verdict.Difference);
                }
            }

            if (retry.Count == 0 || !reached || round == Rounds || _time.GetTimestamp() >= deadline)
            {
                settled.AddRange(open);
                return settled;
            }

            pending = retry;
        }
    }

    /// <summary>
    /// One key's verdict after a re-check read: null when the sides agree; otherwise the difference, and whether it is
    /// final (the feed had passed the source's read and neither side's version says it moved on since) or worth another read.
    /// </summary>
    private static (RowDifference Difference, bool Final)? Judge(IReconcilePair pair, ReconcileRow? source, ReconcileRow? target, long? targetDeleted, long? versionAt, bool reached)
    {
        if (source is null && target is null)
        {
            return null;
        }

        var key = (source ?? target)!.Key;
        IReadOnlyList<string> columns = [];
        if (source is not null && target is not null)
        {
            columns = DifferingColumns(pair, source, target);
            if (columns.Count == 0)
            {
                return null;
            }
        }

        // The target holds a change the source read did not see yet (a newer row, or a newer delete), or the source one
        // the target has not applied yet.
        var targetAhead = (target?.Version ?? targetDeleted) is { } tv && (source?.Version ?? versionAt) is { } sv && tv > sv;
        var sourceNewer = pair.VersionsCompared && source?.Version is { } s && target?.Version is { } t && s > t;
        var kind = !reached || sourceNewer ? DifferenceKind.TargetBehind
            : source is null ? DifferenceKind.ExtraInTarget
            : target is null ? DifferenceKind.MissingInTarget
            : DifferenceKind.ValuesDiffer;
        var difference = new RowDifference(key, kind, columns, source?.Version, target?.Version, source, target);
        return (difference, Final: reached && !targetAhead && !sourceNewer);
    }

    private static List<string> DifferingColumns(IReconcilePair pair, ReconcileRow source, ReconcileRow target)
    {
        var columns = new List<string>();
        for (var i = 0; i < pair.Columns.Count; i++)
        {
            if (!CanonicalEncoding.Same(source.Values[i], target.Values[i]))
            {
                columns.Add(pair.Columns[i]);
            }
        }

        if (pair.VersionsCompared && source.Version != target.Version)
        {
            columns.Add(VersionColumn);
        }

        return columns;
    }

    /// <summary>
    /// The run's waits on the feed. Once a wait has run out its bound (the catch-up is stopped or far behind), later
    /// waits only look, without waiting, until one finds the feed there again: a stopped feed costs a run one bound,
    /// not one per differing chunk.
    /// </summary>
    private sealed class FeedWaits(IChangeFeed feed)
    {
        private volatile bool _stalled;

        public async ValueTask<bool> WaitAsync(FeedPosition position, TimeSpan bound, CancellationToken cancellationToken)
        {
            var reached = await feed.WaitAppliedAsync(position, _stalled ? TimeSpan.Zero : bound, cancellationToken).ConfigureAwait(false);
            _stalled = !reached;
            return reached;
        }
    }

    /// <summary>
    /// One chunk being read: each side's digest and row count, and the keys the merge found on one side only or with
    /// different row hashes (the row diff, used when the digests differ). Nothing else of a row is held: keys kept
    /// for the whole chunk would outlive young collections and fill the old generation.
    /// </summary>
    private sealed class ChunkState
    {
        private readonly List<RowKey> _suspects = [];
        private XxHash128 _sourceDigest = new();
        private XxHash128 _targetDigest = new();

        public long SourceRows { get; private set; }

        public long TargetRows { get; private set; }

        public RowKey? LastSourceKey { get; private set; }

        /// <summary>The keys on one side only, or with different row hashes, in key order.</summary>
        public IReadOnlyList<RowKey> Suspects => _suspects;

        /// <summary>Adds a source row to the digest; returns its row hash.</summary>
        public ulong AddSource(ReconcileRow row, bool versions)
        {
            SourceRows++;
            LastSourceKey = row.Key;
            return Append(_sourceDigest, row, versions);
        }

        /// <summary>Adds a target row to the digest; returns its row hash.</summary>
        public ulong AddTarget(ReconcileRow row, bool versions)
        {
            TargetRows++;
            return Append(_targetDigest, row, versions);
        }

        public void Suspect(RowKey key) => _suspects.Add(key);

        public string SourceDigest() => Hex(_sourceDigest);

        public string TargetDigest() => Hex(_targetDigest);

        public void Reset()
        {
            _suspects.Clear();
            _sourceDigest = new XxHash128();
            _targetDigest = new XxHash128();
            SourceRows = 0;
            TargetRows = 0;
            LastSourceKey = null;
        }

        private static ulong Append(XxHash128 digest, ReconcileRow row, bool versions)
        {
            var hash = row.Hash ?? CanonicalEncoding.RowHash(row.Values, versions ? row.Version : null);
            CanonicalEncoding.AppendTo(digest, row.Key.Values);
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, hash);
            digest.Append(bytes);
            return hash;
        }

        private static string Hex(XxHash128 digest) => Convert.ToHexStringLower(digest.GetCurrentHash());
    }

    /// <summary>A side's rows, read ahead by their own task in batches, so both sides' servers work at once.</summary>
    private sealed class RowCursor(ChannelReader<ReconcileRow[]> reader, Task producer)
    {
        private ReconcileRow[] _batch = [];
        private int _index = -1;

        public Task Producer { get; } = producer;

        public ReconcileRow Current => _batch[_index];

        public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            if (++_index < _batch.Length)
            {
                return true;
            }

            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.TryRead(out var batch))
                {
                    _batch = batch;
                    _index = 0;
                    return true;
                }
            }

            // The reader finished; a failure surfaces here rather than as a short stream.
            await Producer.ConfigureAwait(false);
            return false;
        }
    }

    private static RowCursor Prefetch(IAsyncEnumerable<ReconcileRow> rows, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ReconcileRow[]>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<ReconcileRow>(PrefetchBatch);
                await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(row);
                    if (batch.Count == PrefetchBatch)
                    {
                        await channel.Writer.WriteAsync([.. batch], cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                    }
                }

                if (batch.Count > 0)
                {
                    await channel.Writer.WriteAsync([.. batch], cancellationToken).ConfigureAwait(false);
                }

                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
                throw;
            }
        }, cancellationToken);
        return new RowCursor(channel.Reader, producer);
    }

    private static Task Drain(RowCursor cursor) => Drain(cursor.Producer);

    private static async Task Drain(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopped with the comparison, or failed: the comparison's own outcome is what counts.
        }
    }
}
