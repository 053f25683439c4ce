using DualWrite.Migration.Engine;
using DualWrite.MySql.Replication;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>The catch-up's lag and caught-up decision, against a head the test moves, on the test's clock.</summary>
public sealed class CatchUpGaugeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SteadyFor = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
    private BinlogPosition _head = At(1000);
    private int _headReads;
    private bool _sourceDown;

    [Fact]
    public async Task CaughtUp_IsNotReported_BeforeTheReceivedPositionReachesTheHead_HoweverLongNothingWaits()
    {
        var gauge = Gauge();

        // Nothing is waiting to be applied, but the reader has not received up to the head: not caught up, and the lag grows.
        await gauge.ObserveAsync(received: At(500), applied: At(500), CancellationToken.None);
        _time.Advance(SteadyFor + SteadyFor);
        await gauge.ObserveAsync(received: At(500), applied: At(500), CancellationToken.None);
        gauge.CaughtUp.Should().BeFalse();
        gauge.Lag.Should().Be(SteadyFor + SteadyFor);
        gauge.PendingHead.Should().Be(At(1000));

        // Received up to the head, but not all of it applied: still not.
        _time.Advance(SteadyFor);
        await gauge.ObserveAsync(received: At(1000), applied: At(500), CancellationToken.None);
        gauge.CaughtUp.Should().BeFalse();
        gauge.PendingHead.Should().Be(At(1000));

        // Applied up to the head: the sample taken back then is reached, so the lag is its age, over the bound.
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.PendingHead.Should().BeNull();
        gauge.Lag.Should().Be(SteadyFor * 3);
        gauge.CaughtUp.Should().BeFalse();
        _headReads.Should().Be(1, "no new sample is taken while one is pending");

        // A fresh sample of the same head is reached at once: the lag is under the bound, and caught up once it stays so.
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.Lag.Should().Be(TimeSpan.Zero);
        gauge.CaughtUp.Should().BeFalse("the lag has only just come under the bound");
        _time.Advance(SteadyFor);
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.CaughtUp.Should().BeTrue();
    }

    [Fact]
    public async Task AHeadThatMovesOn_KeepsTheLagGrowing_UntilTheTargetReachesANewerSample()
    {
        var gauge = Gauge();
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.Lag.Should().Be(TimeSpan.Zero);

        _head = At(2000);
        _time.Advance(Bound / 2);
        await gauge.ObserveAsync(received: At(1500), applied: At(1200), CancellationToken.None);
        _time.Advance(Bound);
        await gauge.ObserveAsync(received: At(2100), applied: At(1900), CancellationToken.None);
        gauge.Lag.Should().Be(Bound + (Bound / 2), "the newest head the target holds was seen then");
        gauge.CaughtUp.Should().BeFalse();

        await gauge.ObserveAsync(received: At(2100), applied: At(2100), CancellationToken.None);
        gauge.Lag.Should().Be(Bound, "the sample at 2000 was taken a bound ago");
    }

    [Fact]
    public async Task AHeadInABinlogFileBegunSince_IsReached_ByTheSameGtidState()
    {
        // After a rotation with no transaction since, the head is past the last transaction's position.
        _head = new BinlogPosition("binlog.000008", 256, "0-1-77");
        var gauge = Gauge();

        await gauge.ObserveAsync(new BinlogPosition("binlog.000007", 9000, "0-1-76"), new BinlogPosition("binlog.000007", 9000, "0-1-76"), CancellationToken.None);
        gauge.PendingHead.Should().NotBeNull("a transaction is missing");

        var last = new BinlogPosition("binlog.000007", 9400, "0-1-77");
        await gauge.ObserveAsync(last, last, CancellationToken.None);
        gauge.PendingHead.Should().BeNull();
    }

    [Fact]
    public async Task AHeadReachedByTheGtidState_IsTheReachedHead_ThoughPastTheLastTransaction()
    {
        _head = new BinlogPosition("binlog.000008", 256, "0-1-77");
        var gauge = Gauge();

        var behind = new BinlogPosition("binlog.000007", 9000, "0-1-76");
        await gauge.ObserveAsync(behind, behind, CancellationToken.None);
        gauge.ReachedHead.Should().BeNull("a transaction before the head is not applied yet");

        var last = new BinlogPosition("binlog.000007", 9400, "0-1-77");
        await gauge.ObserveAsync(last, last, CancellationToken.None);
        gauge.ReachedHead.Should().Be(_head, "nothing but the rotation lies between the last transaction and the head, so all of it is applied");
    }

    [Fact]
    public async Task AHeadThatCannotBeRead_LeavesTheLagGrowing_AndIsReadAgainAtTheNextSample()
    {
        var gauge = Gauge();
        _sourceDown = true;
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        _time.Advance(Bound);
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.PendingHead.Should().BeNull();
        gauge.Lag.Should().Be(Bound);
        gauge.CaughtUp.Should().BeFalse();

        _sourceDown = false;
        _time.Advance(Bound);
        await gauge.ObserveAsync(received: At(1000), applied: At(1000), CancellationToken.None);
        gauge.Lag.Should().Be(TimeSpan.Zero);
        _headReads.Should().Be(3);
    }

    [Fact]
    public async Task ARunThatStartedAtTheHead_AndHasReceivedNothing_IsCaughtUp()
    {
        // An idle source: the catch-up starts where the snapshot left the binlog, and no transaction follows.
        var gauge = Gauge(start: At(1000));

        await gauge.ObserveAsync(received: null, applied: At(1000), CancellationToken.None);
        gauge.Lag.Should().Be(TimeSpan.Zero);
        _time.Advance(SteadyFor);
        await gauge.ObserveAsync(received: null, applied: At(1000), CancellationToken.None);

        gauge.CaughtUp.Should().BeTrue("everything before the start position counts as received");
    }

    [Fact]
    public async Task ARunThatStartedBehindTheHead_AndHasReceivedNothing_IsNotCaughtUp()
    {
        var gauge = Gauge(start: At(500));

        await gauge.ObserveAsync(received: null, applied: At(500), CancellationToken.None);
        _time.Advance(SteadyFor + SteadyFor);
        await gauge.ObserveAsync(received: null, applied: At(500), CancellationToken.None);

        gauge.CaughtUp.Should().BeFalse();
        gauge.PendingHead.Should().Be(At(1000));
    }

    private CatchUpGauge Gauge(BinlogPosition? start = null) => new(
        _ =>
        {
            _headReads++;
            return _sourceDown
                ? Task.FromException<BinlogPosition>(new BinlogException(BinlogErrorKind.ConnectionFailed, 2003, null, "Cannot query the source: connection refused"))
                : Task.FromResult(_head);
        },
        start ?? At(0),
        Bound,
        SteadyFor,
        _time);

    private static BinlogPosition At(ulong offset) => new("binlog.000007", offset);
}
