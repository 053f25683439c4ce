using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Routing;

public sealed class DualWriteStoreOutboxTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed class Rig
    {
        public Rig(MigrationPhase phase)
        {
            Phases.SetPhase("orders", phase);
            Outbox = new InMemoryOutboxStore(Old, Log);
            Store = new DualWriteStore<long, string>("orders", Outbox, New, Phases, Log, new() { SecondaryWrites = { MaxRetryAttempts = 0 } });
            Worker = new RepairWorker<long, string>("orders", Outbox, New, Log);
        }

        public InMemoryVersionedStore<long, string> Old { get; } = new();

        public InMemoryVersionedStore<long, string> New { get; } = new();

        public InMemoryRepairLog<long> Log { get; } = new();

        public InMemoryPhaseSource Phases { get; } = new();

        public InMemoryOutboxStore Outbox { get; }

        public DualWriteStore<long, string> Store { get; }

        public RepairWorker<long, string> Worker { get; }
    }

    [Fact]
    public async Task DualWrite_ThroughOutbox_WritesBoth_AndCompletesTheIntent()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);

        (await rig.Store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);

        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        rig.Log.PendingCount.Should().Be(0, "the intent is completed once the secondary holds the write");
    }

    [Fact]
    public async Task CrashBetweenTheTwoWrites_LeavesAPendingIntent_AndRepairLosesNothing()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);
        rig.Outbox.CrashAfterNextCommit = true;

        var act = async () => await rig.Store.UpsertAsync(new(1, 5, "a"), Ct);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await rig.New.GetAsync(1, Ct)).Should().BeNull("the process died before the secondary write");
        var intent = (await rig.Log.ReadPendingAsync("orders", 10, Ct)).Should().ContainSingle().Subject;
        intent.Target.Should().Be(StoreRole.New);
        intent.Version.Should().Be(5);

        (await rig.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 0));

        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        rig.Log.PendingCount.Should().Be(0);
    }

    [Fact]
    public async Task SecondaryFailure_ThroughOutbox_CallerSucceeds_IntentStaysPendingUntilRepaired()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);
        rig.New.FailNextWrites(1, new TimeoutException("new down"));

        (await rig.Store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);

        rig.Log.PendingCount.Should().Be(1);
        (await rig.Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        await rig.Worker.RunOnceAsync(Ct);
        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        rig.Log.PendingCount.Should().Be(0);
    }

    [Fact]
    public async Task OlderVersion_ThroughOutbox_WritesNoIntent()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);
        await rig.Store.UpsertAsync(new(1, 5, "a"), Ct);

        (await rig.Store.UpsertAsync(new(1, 4, "stale"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        rig.Log.PendingCount.Should().Be(0);
        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
    }

    [Fact]
    public void OutboxStore_WithADifferentRepairLog_IsRefused()
    {
        var outbox = new InMemoryOutboxStore(new(), new InMemoryRepairLog<long>());

        var act = () => new DualWriteStore<long, string>("orders", outbox, new InMemoryVersionedStore<long, string>(), new InMemoryPhaseSource(), new InMemoryRepairLog<long>());

        act.Should().Throw<ArgumentException>().WithMessage("*own repair log*");
    }
}
