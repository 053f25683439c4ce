using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Core.Tests.Routing;

/// <summary>
/// Reads ask the repair log within a bound: when the log's database hangs or fails, a read is served from the read
/// store if the log was seen empty toward it since the phase settled, and refused otherwise; a hung log is not asked
/// again until its call ends, and a failed one not before the retry interval.
/// </summary>
public sealed class RepairLogLookupTests
{
    private const string Entity = "orders";
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>How long a test waits for a call the fake clock should have ended, before it fails instead of hanging (real time; a safety net).</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly InMemoryVersionedStore<long, string> _old = new();
    private readonly InMemoryVersionedStore<long, string> _new = new();
    private readonly InMemoryPhaseSource _phases = new();
    private readonly AnsweringLog _log = new(new InMemoryRepairLog<long>());
    private readonly RepairLookupOptions _lookup = new();

    private DualWriteStore<long, string> Store(MigrationPhase phase)
    {
        _phases.SetPhase(Entity, phase);
        return new DualWriteStore<long, string>(Entity, _old, _new, _phases, _log, new() { TimeProvider = _time, RepairLookup = _lookup, ShadowReads = { SampleRate = 0 } });
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task AHungLog_SeenEmptyAfterThePhaseSettled_ReadsAreServedWithinTheBound_AndItIsAskedOnce(MigrationPhase phase)
    {
        var store = Store(phase);
        var readStore = phase.Routing().Reads;
        await (readStore == StoreRole.Old ? _old : _new).UpsertAsync(new(1, 5, "five"), Ct);
        (await store.GetAsync(1, Ct))!.Version.Should().Be(5, "the log answers");
        _time.Advance(_lookup.PhaseSettleTime);
        (await store.GetAsync(1, Ct))!.Version.Should().Be(5, "the log answers, and the background check sees it empty toward the read store");
        _log.DirectionQuestions.Should().Be(1);

        _log.Hang();
        var asked = _log.Questions;
        var read = store.GetAsync(1, Ct).AsTask();
        read.IsCompleted.Should().BeFalse("the read waits for the log up to the bound");
        _time.Advance(_lookup.Timeout);
        (await read.WaitAsync(SafetyNet))!.Version.Should().Be(5, "past the bound the read is served from the read store, which the log showed complete");

        for (var i = 0; i < 10; i++)
        {
            (await store.GetAsync(1, Ct))!.Version.Should().Be(5);
            _time.Advance(_lookup.RefreshInterval);
        }

        _log.Questions.Should().Be(asked + 1, "while a call waits past the bound, the log is not asked again");

        _log.Release();
        await Eventually.WaitUntilAsync(
            async () =>
            {
                (await store.GetAsync(1, Ct).AsTask().WaitAsync(SafetyNet))!.Version.Should().Be(5);
                return _log.Questions > asked + 1;
            },
            "the log to be asked again once the waiting call ended");
    }

    [Fact]
    public async Task AHungLog_NeverSeenEmptyInThePhase_RefusesTheRead()
    {
        var store = Store(MigrationPhase.DualWriteReadOld);
        await _old.UpsertAsync(new(1, 5, "five"), Ct);
        (await store.GetAsync(1, Ct))!.Version.Should().Be(5, "the log answers, before the phase settled");
        _log.Hang();

        var read = store.GetAsync(1, Ct).AsTask();
        _time.Advance(_lookup.Timeout);

        (await read.Invoking(r => r.WaitAsync(SafetyNet)).Should().ThrowAsync<RepairLogUnavailableException>())
            .Which.Message.Should().Contain(Entity).And.Contain("Old store").And.Contain("within 500 ms").And.Contain("refused");
    }

    [Fact]
    public async Task TheFirstQuestion_MayTakeLongerThanTheTimeout_AndTheReadIsServedWhenTheLogAnswers()
    {
        var store = Store(MigrationPhase.DualWriteReadOld);
        await _old.UpsertAsync(new(1, 5, "five"), Ct);
        _log.Hang();

        var read = store.GetAsync(1, Ct).AsTask();
        _time.Advance(_lookup.Timeout * 2);
        read.IsCompleted.Should().BeFalse("until the log has answered once, a question may take the first answer's bound");
        _log.Release();

        (await read.WaitAsync(SafetyNet))!.Version.Should().Be(5);
        _log.Hang();
        var warm = store.GetAsync(1, Ct).AsTask();
        _time.Advance(_lookup.Timeout);
        await warm.Invoking(r => r.WaitAsync(SafetyNet)).Should().ThrowAsync<RepairLogUnavailableException>("once the log has answered, the bound is the timeout");
    }

    [Fact]
    public async Task ALogThatNeverAnswers_RefusesTheReadAfterTheFirstAnswersBound()
    {
        var store = Store(MigrationPhase.DualWriteReadNew);
        await _new.UpsertAsync(new(1, 5, "five"), Ct);
        _log.Hang();

        var read = store.GetAsync(1, Ct).AsTask();
        _time.Advance(_lookup.FirstAnswerTimeout - TimeSpan.FromMilliseconds(1));
        read.IsCompleted.Should().BeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        (await read.Invoking(r => r.WaitAsync(SafetyNet)).Should().ThrowAsync<RepairLogUnavailableException>())
            .Which.Message.Should().Contain("New store").And.Contain("within 5000 ms");
        _log.Questions.Should().Be(1);
        await store.Invoking(s => s.GetAsync(1, Ct).AsTask()).Should().ThrowAsync<RepairLogUnavailableException>("the hung call is not repeated");
        _log.Questions.Should().Be(1);
    }

    [Fact]
    public async Task ALogSeenEmptyInAnEarlierPhase_DoesNotCountAfterAFlip()
    {
        var store = Store(MigrationPhase.DualWriteReadOld);
        await _old.UpsertAsync(new(1, 5, "five"), Ct);
        await _new.UpsertAsync(new(1, 5, "five"), Ct);
        await store.GetAsync(1, Ct);
        _time.Advance(_lookup.PhaseSettleTime);
        await store.GetAsync(1, Ct);
        _log.DirectionQuestions.Should().Be(1, "the log was seen empty toward the old store in DualWriteReadOld");

        _phases.SetPhase(Entity, MigrationPhase.DualWriteReadNew);
        await store.GetAsync(1, Ct);
        _time.Advance(_lookup.PhaseSettleTime);
        _phases.SetPhase(Entity, MigrationPhase.DualWriteReadOld);
        _log.Fail();

        await store.Invoking(s => s.GetAsync(1, Ct).AsTask()).Should().ThrowAsync<RepairLogUnavailableException>(
            "the phase changed since: entries toward the old store may have been written in DualWriteReadNew");
    }

    [Fact]
    public async Task AFailingLog_IsAskedAgainOnlyAfterTheRetryInterval()
    {
        var store = Store(MigrationPhase.DualWriteReadNew);
        await _new.UpsertAsync(new(1, 5, "five"), Ct);
        await store.GetAsync(1, Ct);
        _time.Advance(_lookup.PhaseSettleTime);
        await store.GetAsync(1, Ct);
        _log.Fail();
        var asked = _log.Questions;

        for (var i = 0; i < 5; i++)
        {
            (await store.GetAsync(1, Ct))!.Version.Should().Be(5, "the log was seen empty toward the new store in this phase");
        }

        _log.Questions.Should().Be(asked + 1, "after a failure the log rests for the retry interval");
        _log.Answer();
        _time.Advance(_lookup.RetryAfter);
        await store.GetAsync(1, Ct);
        _log.Questions.Should().BeGreaterThan(asked + 1);
    }

    [Fact]
    public async Task APendingEntry_StillSendsTheReadToBothStores_AndAQueryToTheCompleteStore()
    {
        var store = Store(MigrationPhase.DualWriteReadOld);
        await _old.UpsertAsync(new(1, 4, "four"), Ct);
        await _new.UpsertAsync(new(1, 5, "five"), Ct);
        await _log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), Entity, 1, StoreRole.Old, 5, "fed", _time.GetUtcNow()), Ct);
        var router = new QueryRouter(_phases, _time);
        router.Watch(Entity, _log, _lookup);

        (await store.GetAsync(1, Ct))!.Version.Should().Be(5, "the old store may lack version 5, so the newer record wins");
        (await router.ReadsFromAsync(Entity, Ct)).Should().Be(StoreRole.New, "the old store is behind and the new one is not");
    }

    [Fact]
    public async Task AHungLog_QueriesStayOnTheReadStore_WhenItWasSeenEmptyAfterThePhaseSettled()
    {
        _phases.SetPhase(Entity, MigrationPhase.DualWriteReadNew);
        var router = new QueryRouter(_phases, _time);
        router.Watch(Entity, _log, _lookup);
        (await router.ReadsFromAsync(Entity, Ct)).Should().Be(StoreRole.New);
        _log.Hang();
        var early = router.ReadsFromAsync(Entity, Ct).AsTask();
        _time.Advance(_lookup.Timeout);
        await early.Invoking(q => q.WaitAsync(SafetyNet)).Should().ThrowAsync<RepairLogUnavailableException>("the log was seen empty only before the phase settled");

        _log.Release();
        _time.Advance(_lookup.PhaseSettleTime);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                try
                {
                    return await router.ReadsFromAsync(Entity, Ct) == StoreRole.New;
                }
                catch (RepairLogUnavailableException)
                {
                    // The waiting call has not ended yet.
                    return false;
                }
            },
            "the router to ask the log again once the waiting call ended");
        _log.Hang();
        var query = router.ReadsFromAsync(Entity, Ct).AsTask();
        _time.Advance(_lookup.Timeout);
        (await query.WaitAsync(SafetyNet)).Should().Be(StoreRole.New);
    }

    [Fact]
    public async Task ASecondaryThatHangs_CostsTheCallerAtMostTheTotalTimeout_AndTheWriteIsLeftForRepair()
    {
        var hanging = new HangingStore(_new);
        var log = new InMemoryRepairLog<long>();
        _phases.SetPhase(Entity, MigrationPhase.DualWriteReadOld);
        var store = new DualWriteStore<long, string>(Entity, _old, hanging, _phases, log, new()
        {
            TimeProvider = _time,
            SecondaryWrites = { MaxRetryAttempts = 0, BreakerMinimumThroughput = int.MaxValue },
        });

        var write = store.UpsertAsync(new(1, 5, "five"), Ct).AsTask();
        write.IsCompleted.Should().BeFalse();
        _time.Advance(new DualWrite.Core.Resilience.SecondaryWriteOptions().TotalTimeout);

        (await write.WaitAsync(SafetyNet)).Should().Be(WriteResult.Applied);
        var entry = (await log.ReadPendingAsync(Entity, 10, Ct)).Should().ContainSingle().Subject;
        entry.Target.Should().Be(StoreRole.New);
        entry.Reason.Should().Contain("did not complete the write within 2000 ms");

        (await store.UpsertAsync(new(2, 6, "six"), Ct).AsTask().WaitAsync(SafetyNet)).Should().Be(WriteResult.Applied, "while the first write waits, the store is not written: the next goes straight to the log");
        hanging.Writes.Should().Be(1);
        (await log.ReadPendingAsync(Entity, 10, Ct)).Should().HaveCount(2).And.Contain(e => e.Key == 2 && e.Reason.Contains("still outstanding"));

        hanging.Release();
        // Once the abandoned write has ended (cancelled by the pipeline's timeout meanwhile), a later write reaches the store.
        var version = 7L;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                (await store.UpsertAsync(new(3, version++, "seven"), Ct).AsTask().WaitAsync(SafetyNet)).Should().Be(WriteResult.Applied);
                return hanging.Writes == 2;
            },
            "a write after the outstanding one ended to reach the store");
        (await _new.GetAsync(3, Ct))!.Version.Should().Be(version - 1);
    }

    /// <summary>A repair log that answers, hangs until released, or fails, and counts the questions it is asked.</summary>
    private sealed class AnsweringLog(InMemoryRepairLog<long> inner) : IRepairLog<long>
    {
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _mode;
        private int _questions;
        private int _directionQuestions;

        public int Questions => Volatile.Read(ref _questions);

        public int DirectionQuestions => Volatile.Read(ref _directionQuestions);

        public void Answer() => _mode = 0;

        public void Hang()
        {
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _mode = 1;
        }

        public void Fail() => _mode = 2;

        public void Release()
        {
            _mode = 0;
            _release.TrySetResult();
        }

        public ValueTask AppendAsync(RepairEntry<long> entry, CancellationToken cancellationToken) => inner.AppendAsync(entry, cancellationToken);

        public ValueTask<IReadOnlyList<RepairEntry<long>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken) => inner.ReadPendingAsync(entity, max, cancellationToken);

        public ValueTask<bool> HasPendingAsync(string entity, long key, StoreRole target, CancellationToken cancellationToken) =>
            AskAsync(() => inner.HasPendingAsync(entity, key, target, cancellationToken));

        public ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _directionQuestions);
            return AskAsync(() => inner.HasPendingTowardAsync(entity, target, cancellationToken));
        }

        public ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<long>> entries, CancellationToken cancellationToken) => inner.CompleteAsync(entries, cancellationToken);

        private async ValueTask<bool> AskAsync(Func<ValueTask<bool>> answer)
        {
            Interlocked.Increment(ref _questions);
            switch (_mode)
            {
                case 1:
                    await _release.Task;
                    break;
                case 2:
                    throw new TimeoutException("repair log's database down");
            }

            return await answer();
        }
    }

    /// <summary>A store whose writes hang until released, as on a server that stopped answering.</summary>
    private sealed class HangingStore(InMemoryVersionedStore<long, string> inner) : IVersionedStore<long, string>
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IComparer<long> KeyComparer => inner.KeyComparer;

        private int _writes;
        private int _returned;

        public int Writes => Volatile.Read(ref _writes);

        public int Returned => Volatile.Read(ref _returned);

        public void Release() => _release.TrySetResult();

        public ValueTask<VersionedRecord<long, string>?> GetAsync(long key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public IAsyncEnumerable<VersionedRecord<long, string>> ScanAsync(KeyRange<long> range, int batchSize, CancellationToken cancellationToken) => inner.ScanAsync(range, batchSize, cancellationToken);

        public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<long, string>> records, CancellationToken cancellationToken) => inner.BulkLoadAsync(records, cancellationToken);

        public async ValueTask<WriteResult> UpsertAsync(VersionedRecord<long, string> record, CancellationToken cancellationToken)
        {
            // Ignores the token, as a driver waiting on a hung server may.
            Interlocked.Increment(ref _writes);
            try
            {
                await _release.Task;
                return await inner.UpsertAsync(record, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref _returned);
            }
        }

        public async ValueTask<WriteResult> DeleteAsync(long key, long version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            await _release.Task;
            return await inner.DeleteAsync(key, version, cancellationToken);
        }
    }
}
