using DualWrite.Core.Reconciliation;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Reconciliation;

public sealed record Item(string Name, decimal Price, string? Note);

public sealed class ReconcilerTests
{
    private static readonly StoreShape<long, Item> Shape = new(
        key => [key],
        values => (long)values[0]!,
        [("name", i => i.Name), ("price", i => i.Price), ("note", i => i.Note)]);

    private readonly InMemoryVersionedStore<long, Item> _old = new();
    private readonly InMemoryVersionedStore<long, Item> _new = new();

    private async Task SeedAsync(int count)
    {
        for (long k = 1; k <= count; k++)
        {
            var record = new VersionedRecord<long, Item>(k, 10, new Item($"item {k}", k * 1.5m, k % 3 == 0 ? null : "n"));
            await _old.UpsertAsync(record, default);
            await _new.UpsertAsync(record, default);
        }
    }

    private StorePair<long, Item> Pair(IChangeFeed? feed = null) => new("items", _old, _new, Shape, feed ?? new SettledFeed(_ => Task.CompletedTask));

    private static Reconciler Engine(int chunk = 100, bool repair = false, bool dryRun = false, TimeSpan? bound = null) =>
        new(new ReconcileOptions { ChunkSize = chunk, Repair = repair, DryRun = dryRun, RecheckBound = bound ?? TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task Equal_stores_are_clean_chunk_by_chunk()
    {
        await SeedAsync(1_050);

        var report = await Engine().RunAsync(Pair(), TransientCheckpoints.Instance, null, default);

        report.Clean.Should().BeTrue();
        report.SourceRows.Should().Be(1_050);
        report.TargetRows.Should().Be(1_050);
        report.Matching.Should().Be(1_050);
        report.Chunks.Should().Be(11);
        report.ChunksDiffering.Should().Be(0);
        report.Rechecked.Should().Be(0);
        report.VerifiedAs.Should().NotBeNull();
    }

    [Fact]
    public async Task Each_kind_of_difference_is_found_exactly_and_classified()
    {
        await SeedAsync(500);
        await _new.DeleteAsync(7, 11, default);                                                          // missing in the new store
        await _new.UpsertAsync(new VersionedRecord<long, Item>(9_999, 10, new Item("stray", 1m, null)), default); // extra
        await _new.UpsertAsync(new VersionedRecord<long, Item>(42, 10, new Item("item 42", 63.01m, "n")), default);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(120, 11, new Item("item 120", 180m, "")), default); // NULL vs '' — and the old store is newer
        await _new.UpsertAsync(new VersionedRecord<long, Item>(120, 11, new Item("item 120", 180m, null)), default);

        var report = await Engine().RunAsync(Pair(), TransientCheckpoints.Instance, null, default);

        report.Clean.Should().BeFalse();
        report.Missing.Should().Be(1);
        report.Extra.Should().Be(1);
        report.Samples.Select(s => (s.Key.ToString(), s.Kind)).Should().BeEquivalentTo(new[]
        {
            ("7", DifferenceKind.MissingInTarget),
            ("9999", DifferenceKind.ExtraInTarget),
            ("120", DifferenceKind.ValuesDiffer),
        });
        report.Samples.Single(s => s.Kind == DifferenceKind.ValuesDiffer).Columns.Should().Equal("note");
        // Key 42 was written at the same version with a different price: the upsert was ignored, so it agrees.
        report.Differing.Should().Be(1);
        report.Matching.Should().Be(498);
    }

    [Fact]
    public async Task A_value_written_at_the_same_version_shows_as_differing_columns()
    {
        await SeedAsync(50);
        await _new.DeleteAsync(5, 11, default);
        await _new.UpsertAsync(new VersionedRecord<long, Item>(5, 12, new Item("item 5", 7.5m, "x")), default);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(5, 12, new Item("item five", 7.50m, "n")), default);

        var report = await Engine().RunAsync(Pair(), TransientCheckpoints.Instance, null, default);

        var difference = report.Samples.Should().ContainSingle().Subject;
        difference.Kind.Should().Be(DifferenceKind.ValuesDiffer);
        difference.Columns.Should().Equal("name", "note"); // 7.5 and 7.50 are the same price
    }

    [Fact]
    public async Task A_write_still_in_flight_is_rechecked_and_not_reported()
    {
        await SeedAsync(200);
        var late = new VersionedRecord<long, Item>(33, 20, new Item("changed", 1m, null));
        await _old.UpsertAsync(late, default);
        var feed = new SettledFeed(async token => await _new.UpsertAsync(late, token));

        var report = await Engine().RunAsync(Pair(feed), TransientCheckpoints.Instance, null, default);

        report.Clean.Should().BeTrue();
        report.Rechecked.Should().Be(1);
        report.ChunksDiffering.Should().Be(1);
        report.Matching.Should().Be(200);
    }

    [Fact]
    public async Task A_key_deleted_after_the_source_was_read_is_read_again_and_not_reported_missing()
    {
        await SeedAsync(200);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(33, 11, new Item("changed", 1m, null)), default);

        // The delete lands on both sides while the re-check waits for the feed: the target then holds a tombstone
        // newer than the row the source read saw.
        var deleted = false;
        var feed = new SettledFeed(async token =>
        {
            if (!deleted)
            {
                deleted = true;
                await _old.DeleteAsync(33, 20, token);
                await _new.DeleteAsync(33, 20, token);
            }
        });

        var report = await Engine().RunAsync(Pair(feed), TransientCheckpoints.Instance, null, default);

        report.Clean.Should().BeTrue();
        report.Rechecked.Should().Be(1);
    }

    [Fact]
    public async Task A_feed_that_never_arrives_leaves_the_keys_lagging()
    {
        await SeedAsync(200);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(33, 20, new Item("changed", 1m, null)), default);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(201, 20, new Item("new", 1m, null)), default);
        var stopped = new SettledFeed(token => Task.Delay(Timeout.Infinite, token));

        var report = await Engine(bound: TimeSpan.FromMilliseconds(100)).RunAsync(Pair(stopped), TransientCheckpoints.Instance, null, default);

        report.Lagging.Should().Be(2);
        report.Missing.Should().Be(0);
        report.Differing.Should().Be(0);
        report.Samples.Select(s => s.Key.ToString()).Should().BeEquivalentTo("33", "201");
        report.VerifiedAs.Should().BeNull();
    }

    [Fact]
    public async Task A_stopped_feed_costs_the_run_one_bound_not_one_per_chunk()
    {
        await SeedAsync(1_000);
        foreach (var key in new long[] { 50, 250, 450, 650, 850 })
        {
            await _old.UpsertAsync(new VersionedRecord<long, Item>(key, 20, new Item("changed", 1m, null)), default);
        }

        var stopped = new StoppedFeed();

        var report = await Engine(bound: TimeSpan.FromMilliseconds(200)).RunAsync(Pair(stopped), TransientCheckpoints.Instance, null, default);

        report.Lagging.Should().Be(5);
        report.ChunksDiffering.Should().Be(5);
        stopped.Bounds.Should().HaveCount(6, "each differing chunk and the end look at the feed once");
        stopped.Bounds[0].Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(200));
        stopped.Bounds.Skip(1).Should().AllSatisfy(b => b.Should().Be(TimeSpan.Zero));
    }

    private sealed class StoppedFeed : IChangeFeed
    {
        public List<TimeSpan> Bounds { get; } = [];

        public ValueTask<FeedPosition> HeadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new FeedPosition("head", 1));

        public ValueTask<bool> WaitAppliedAsync(FeedPosition position, TimeSpan bound, CancellationToken cancellationToken)
        {
            lock (Bounds)
            {
                Bounds.Add(bound);
            }

            return ValueTask.FromResult(false);
        }
    }

    [Fact]
    public async Task A_killed_run_resumes_without_comparing_its_finished_chunks_again()
    {
        await SeedAsync(1_000);
        await _new.DeleteAsync(950, 11, default);
        var checkpoints = new RecordingCheckpoints { FailAfter = 4 };

        var killed = () => Engine().RunAsync(Pair(), checkpoints, null, default);
        await killed.Should().ThrowAsync<IOException>();
        checkpoints.Chunks.Should().HaveCount(4);
        checkpoints.FailAfter = int.MaxValue;

        var resumed = await Engine().RunAsync(Pair(), checkpoints, null, default);
        var fresh = await Engine().RunAsync(Pair(), TransientCheckpoints.Instance, null, default);

        resumed.ChunksResumed.Should().Be(4);
        checkpoints.Recorded.Should().Be(10); // 4 before the kill, 6 after: none twice
        resumed.Should().BeEquivalentTo(fresh, o => o.Excluding(r => r.ChunksResumed).Excluding(r => r.StartedAt).Excluding(r => r.FinishedAt)
            .Excluding(r => r.Duration).Excluding(r => r.VerifiedAs).Excluding(r => r.Samples));
        resumed.Missing.Should().Be(1);
    }

    [Fact]
    public async Task Repair_leaves_a_clean_reverify_and_never_writes_over_a_newer_version()
    {
        await SeedAsync(300);
        await _old.UpsertAsync(new VersionedRecord<long, Item>(301, 10, new Item("only in the old store", 1m, null)), default);
        await _new.DeleteAsync(10, 11, default); // a tombstone newer than the old store's row
        await _new.UpsertAsync(new VersionedRecord<long, Item>(777, 5, new Item("stray", 1m, null)), default);
        var newer = new VersionedRecord<long, Item>(30, 99, new Item("newer in the new store", 1m, null));
        await _new.UpsertAsync(newer, default);

        var dry = await Engine(repair: true, dryRun: true).RunAsync(Pair(), TransientCheckpoints.Instance, null, default);
        dry.DryRun.Should().BeTrue();
        dry.Clean.Should().BeFalse();
        (await _new.GetAsync(301, default)).Should().BeNull("a dry run writes nothing");

        var repaired = await Engine(repair: true, bound: TimeSpan.FromMilliseconds(100)).RunAsync(Pair(), TransientCheckpoints.Instance, null, default);

        (await _new.GetAsync(301, default))!.Value!.Name.Should().Be("only in the old store");
        (await _new.GetAsync(10, default))!.IsTombstone.Should().BeTrue("the repair never writes over a newer version");
        (await _new.GetAsync(777, default))!.IsTombstone.Should().BeTrue();
        (await _new.GetAsync(30, default)).Should().Be(newer, "the repair never writes over a newer version");
        repaired.RepairSamples.Should().Contain(r => r.Key.ToString() == "30" && r.Kind == RepairKind.SkippedNewer);
        repaired.RepairSamples.Should().Contain(r => r.Key.ToString() == "301" && r.Kind == RepairKind.Write && r.Applied);
        repaired.RepairSamples.Should().Contain(r => r.Key.ToString() == "10" && r.Kind == RepairKind.SkippedNewer && !r.Applied);
        repaired.RepairSamples.Should().Contain(r => r.Key.ToString() == "777" && r.Kind == RepairKind.Tombstone && r.Applied);
        // What the guard kept (newer or same versions in the new store) still differs; the rest re-verified clean.
        repaired.Samples.Select(s => s.Key.ToString()).Should().BeEquivalentTo("10", "30");
        repaired.Repaired.Should().Be(2);
    }

    [Fact]
    public void A_dry_run_without_repair_is_refused()
    {
        var create = () => new Reconciler(new ReconcileOptions { DryRun = true });
        create.Should().Throw<ArgumentException>().WithMessage("*dry run*Repair*");
    }

    private sealed class RecordingCheckpoints : IReconcileCheckpoints
    {
        public List<ChunkResult> Chunks { get; } = [];

        public int FailAfter { get; set; } = int.MaxValue;

        public int Recorded { get; private set; }

        private bool _finished;

        public Task<IReadOnlyList<ChunkResult>> BeginAsync(string entity, bool fresh, CancellationToken cancellationToken)
        {
            if (fresh || _finished)
            {
                Chunks.Clear();
                _finished = false;
            }

            return Task.FromResult<IReadOnlyList<ChunkResult>>([.. Chunks]);
        }

        public Task RecordChunkAsync(string entity, ChunkResult chunk, CancellationToken cancellationToken)
        {
            if (Chunks.Count >= FailAfter)
            {
                throw new IOException("killed");
            }

            Chunks.Add(chunk);
            Recorded++;
            return Task.CompletedTask;
        }

        public Task FinishAsync(EntityReport report, CancellationToken cancellationToken)
        {
            _finished = true;
            return Task.CompletedTask;
        }
    }
}
