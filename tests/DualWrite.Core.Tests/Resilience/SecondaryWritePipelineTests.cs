using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Core.Tests.Routing;
using DualWrite.Testing;
using Polly.CircuitBreaker;

namespace DualWrite.Core.Tests.Resilience;

public sealed class SecondaryWritePipelineTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task TransientSecondaryFailure_IsRetried_AndNeedsNoRepair()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o => o.SecondaryWrites = new() { MaxRetryAttempts = 2, RetryBaseDelay = RetryDelay });
        h.New.FailNextWrites(2, new TimeoutException("blip"));

        (await Eventually.AdvancingAsync(h.Time, RetryDelay, h.Store.UpsertAsync(new(1, 5, "a"), Ct).AsTask(), "the retried write")).Should().Be(WriteResult.Applied);

        (await h.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        h.Log.PendingCount.Should().Be(0);
    }

    [Fact]
    public async Task FailuresBeyondTheRetries_GoToTheRepairLog()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o => o.SecondaryWrites = new() { MaxRetryAttempts = 1, RetryBaseDelay = RetryDelay });
        h.New.FailNextWrites(2, new TimeoutException("down"));

        (await Eventually.AdvancingAsync(h.Time, RetryDelay, h.Store.UpsertAsync(new(1, 5, "a"), Ct).AsTask(), "the retried write")).Should().Be(WriteResult.Applied);

        h.Log.PendingCount.Should().Be(1);
    }

    [Fact]
    public async Task OpenCircuit_SendsWritesStraightToTheRepairLog_WithoutCallingTheSecondary()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o => o.SecondaryWrites = new()
        {
            MaxRetryAttempts = 0,
            BreakerMinimumThroughput = 4,
            BreakerFailureRatio = 0.5,
            BreakerBreakDuration = TimeSpan.FromMinutes(1),
        });
        var calls = 0;
        h.New.FaultInjector = op =>
        {
            calls++;
            return new TimeoutException("down");
        };

        for (var key = 0; key < 4; key++)
        {
            await h.Store.UpsertAsync(new(key, 1, "a"), Ct);
        }

        var callsWhenOpened = calls;
        for (var key = 4; key < 10; key++)
        {
            (await h.Store.UpsertAsync(new(key, 1, "a"), Ct)).Should().Be(WriteResult.Applied);
        }

        calls.Should().Be(callsWhenOpened, "an open circuit does not call the failing store");
        var pending = await h.Pending();
        pending.Should().HaveCount(10);
        pending.Last().Reason.Should().Contain(nameof(BrokenCircuitException));
    }

    [Fact]
    public async Task SlowSecondary_TimesOut_AndIsRepaired()
    {
        var slowNew = new SlowStore(new InMemoryVersionedStore<long, string>(), TimeSpan.FromSeconds(30));
        var phases = new InMemoryPhaseSource(MigrationPhase.DualWriteReadOld);
        var log = new InMemoryRepairLog<long>();
        var old = new InMemoryVersionedStore<long, string>();
        var store = new Core.Routing.DualWriteStore<long, string>("orders", old, slowNew, phases, log, new()
        {
            SecondaryWrites = { MaxRetryAttempts = 0, AttemptTimeout = TimeSpan.FromMilliseconds(50), TotalTimeout = TimeSpan.FromMilliseconds(100) },
        });

        (await store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);

        var entry = (await log.ReadPendingAsync("orders", 10, Ct)).Should().ContainSingle().Subject;
        entry.Reason.Should().Contain("Timeout");
    }

    [Theory]
    [InlineData("AttemptTimeout")]
    [InlineData("BreakerFailureRatio")]
    [InlineData("MaxRetryAttempts")]
    public void InvalidOptions_AreRefused_NamingTheOption(string option)
    {
        var options = new Core.Routing.DualWriteStoreOptions<string>();
        switch (option)
        {
            case "AttemptTimeout": options.SecondaryWrites.AttemptTimeout = TimeSpan.Zero; break;
            case "BreakerFailureRatio": options.SecondaryWrites.BreakerFailureRatio = 1.5; break;
            default: options.SecondaryWrites.MaxRetryAttempts = -1; break;
        }

        var act = () => new Core.Routing.DualWriteStore<long, string>(
            "orders", new InMemoryVersionedStore<long, string>(), new InMemoryVersionedStore<long, string>(), new InMemoryPhaseSource(), new InMemoryRepairLog<long>(), options);

        act.Should().Throw<ArgumentException>().WithMessage($"*SecondaryWrites:{option}*");
    }
}
