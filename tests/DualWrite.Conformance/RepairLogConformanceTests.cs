using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Conformance;

/// <summary>
/// The behaviour every durable repair log must show against its real server. An adapter's test project derives
/// from this class, gives each test a scratch database (or schema) of its own and opens logs there; the suite then
/// runs against a fresh log over the default table, its schema set up. Keys are <see cref="long"/>, as text in
/// invariant decimal unless a test supplies another codec.
/// </summary>
/// <typeparam name="TLog">The adapter's log.</typeparam>
public abstract partial class RepairLogConformanceTests<TLog> : IAsyncLifetime
    where TLog : IRepairLog<long>
{
    protected static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(At.AddHours(1));
    private TLog? _log;

    /// <summary>Bounds every call, so a hung server fails the test instead of stalling the run.</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    /// <summary>The clock every log the test opens must complete entries by.</summary>
    protected TimeProvider Time => _clock;

    /// <summary>The log under test, over the default table.</summary>
    protected TLog Log => _log ?? throw new InvalidOperationException("The log is not set up yet.");

    public async Task InitializeAsync()
    {
        await CreateScratchAsync();
        _log = OpenLog();
        await EnsureSchemaAsync(_log);
    }

    public Task DisposeAsync() => DropScratchAsync();

    /// <summary>Creates the test's own scratch database (or schema), where every log of the test lives.</summary>
    protected abstract Task CreateScratchAsync();

    /// <summary>Drops the scratch database and everything in it.</summary>
    protected abstract Task DropScratchAsync();

    /// <summary>A new log instance in the scratch database on <see cref="Time"/>: over the default table unless <paramref name="table"/> names another, keys in invariant decimal unless <paramref name="formatKey"/> is given.</summary>
    protected abstract TLog OpenLog(string? table = null, Func<long, string>? formatKey = null);

    /// <summary>The adapter's schema set-up of <paramref name="log"/>.</summary>
    protected abstract Task EnsureSchemaAsync(TLog log);

    /// <summary>The completion time of every row in the default table, in append order, as the server holds it (null while pending).</summary>
    protected abstract Task<IReadOnlyList<DateTimeOffset?>> CompletionTimesAsync();

    /// <summary>How many rows the default table holds.</summary>
    protected abstract Task<long> RowCountAsync();

    /// <summary>Whether <paramref name="error"/> is the adapter's typed error for a log table that does not exist.</summary>
    protected abstract bool IsTableMissing(Exception error);

    /// <summary>Whether <paramref name="error"/> is the adapter's typed error for an entry id taken by other content.</summary>
    protected abstract bool IsEntryConflict(Exception error);

    protected static RepairEntry<long> Entry(string entity, long key) =>
        new(Guid.NewGuid(), entity, key, StoreRole.New, 1, "test", At);

    [Fact]
    public async Task ReadPending_ReturnsOldestFirst_UpToMax_ForOneEntity()
    {
        await Log.AppendAsync(Entry("orders", 1), Ct);
        await Log.AppendAsync(Entry("customers", 2), Ct);
        await Log.AppendAsync(Entry("orders", 3), Ct);
        await Log.AppendAsync(Entry("orders", 4), Ct);

        (await Log.ReadPendingAsync("orders", 2, Ct)).Select(e => e.Key).Should().Equal(1, 3);
    }

    [Fact]
    public async Task ReadPending_OrdersByFailureTime_BeforeAppendOrder()
    {
        await Log.AppendAsync(Entry("orders", 1) with { FailedAt = At.AddSeconds(2) }, Ct);
        await Log.AppendAsync(Entry("orders", 2) with { FailedAt = At.AddSeconds(1) }, Ct);

        (await Log.ReadPendingAsync("orders", 10, Ct)).Select(e => e.Key).Should().Equal(2, 1);
    }

    [Fact]
    public async Task ReadPending_ReturnsTheEntriesAsAppended()
    {
        var entry = new RepairEntry<long>(Guid.NewGuid(), "orders", 42, StoreRole.Old, 1234567890123456, "TimeoutException: slow", At.AddTicks(1234560));

        await Log.AppendAsync(entry, Ct);

        (await Log.ReadPendingAsync("orders", 1, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task ReadPending_RejectsNonPositiveMax()
    {
        var act = async () => await Log.ReadPendingAsync("orders", 0, Ct);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Complete_RemovesTheEntry_AndIsIdempotent()
    {
        var entry = Entry("orders", 1);
        await Log.AppendAsync(entry, Ct);

        await Log.CompleteAsync([entry], Ct);
        _clock.Advance(TimeSpan.FromHours(1));
        await Log.CompleteAsync([entry], Ct);

        (await Log.ReadPendingAsync("orders", 10, Ct)).Should().BeEmpty();
        (await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
        (await CompletionTimesAsync()).Should().Equal([At.AddHours(1)], "the first completion's time, from the time provider");
    }

    [Fact]
    public async Task HasPending_MatchesEntityKeyAndTarget()
    {
        await Log.AppendAsync(Entry("orders", 1), Ct);

        (await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeTrue();
        (await Log.HasPendingAsync("orders", 1, StoreRole.Old, Ct)).Should().BeFalse();
        (await Log.HasPendingAsync("orders", 2, StoreRole.New, Ct)).Should().BeFalse();
        (await Log.HasPendingAsync("customers", 1, StoreRole.New, Ct)).Should().BeFalse();
        (await Log.HasPendingAsync("ORDERS", 1, StoreRole.New, Ct)).Should().BeFalse("entities match exactly");
    }

    [Fact]
    public async Task HasPendingToward_MatchesEntityAndTarget_WhateverTheKey_UntilCompleted()
    {
        var entry = Entry("orders", 1);
        (await Log.HasPendingTowardAsync("orders", StoreRole.New, Ct)).Should().BeFalse("the log is empty");
        await Log.AppendAsync(entry, Ct);

        (await Log.HasPendingTowardAsync("orders", StoreRole.New, Ct)).Should().BeTrue();
        (await Log.HasPendingTowardAsync("orders", StoreRole.Old, Ct)).Should().BeFalse();
        (await Log.HasPendingTowardAsync("customers", StoreRole.New, Ct)).Should().BeFalse();

        await Log.CompleteAsync([entry], Ct);
        (await Log.HasPendingTowardAsync("orders", StoreRole.New, Ct)).Should().BeFalse("its only entry is completed");
    }

    [Fact]
    public async Task HasPending_StaysTrue_WhileAnyEntryOfTheKeyIsPending()
    {
        var first = Entry("orders", 1);
        var second = Entry("orders", 1) with { Version = 2 };
        await Log.AppendAsync(first, Ct);
        await Log.AppendAsync(second, Ct);

        await Log.CompleteAsync([first], Ct);
        (await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeTrue();

        await Log.CompleteAsync([second], Ct);
        (await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task Complete_OfSeveralEntries_CompletesExactlyThose_AndIgnoresOnesNoLongerPending()
    {
        var entries = Enumerable.Range(1, 5).Select(k => Entry("orders", k)).ToList();
        foreach (var entry in entries)
        {
            await Log.AppendAsync(entry, Ct);
        }

        await Log.CompleteAsync([], Ct);
        await Log.CompleteAsync([entries[0]], Ct);
        await Log.CompleteAsync([entries[0], entries[1], entries[3]], Ct);

        var pending = await Log.ReadPendingAsync("orders", 10, Ct);
        pending.Select(e => e.Id).Should().BeEquivalentTo([entries[2].Id, entries[4].Id], "only the entries not completed are pending");
    }

    [Fact]
    public async Task Entries_SurviveANewLogInstance()
    {
        await Log.AppendAsync(Entry("orders", 7), Ct);

        var reopened = OpenLog();

        (await reopened.HasPendingAsync("orders", 7, StoreRole.New, Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task MissingTable_ThrowsTableMissing_NamingIt()
    {
        var log = OpenLog("no_such_log");

        var act = async () => await log.AppendAsync(Entry("orders", 1), Ct);

        var error = (await act.Should().ThrowAsync<Exception>()).Which;
        IsTableMissing(error).Should().BeTrue($"{error.GetType().Name} ({error.Message}) should say the table is missing");
        error.Message.Should().Contain("no_such_log").And.Contain("EnsureSchemaAsync");
    }

    [Fact]
    public async Task EnsureSchema_Repeated_KeepsTheEntries()
    {
        var entry = Entry("orders", 1);
        await Log.AppendAsync(entry, Ct);

        await EnsureSchemaAsync(Log);
        await EnsureSchemaAsync(OpenLog());

        (await Log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task EnsureSchema_FromSeveralTasksAtOnce_CreatesOneWorkingTable()
    {
        const int Racers = 16;
        var logs = Enumerable.Range(0, Racers).Select(_ => OpenLog("raced_log")).ToList();

        // Open as many connections first, so the racers start together instead of one per new connection.
        await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Task.Run(async () => await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct))));
        await Task.WhenAll(logs.Select(log => Task.Run(() => EnsureSchemaAsync(log))));

        var entry = Entry("orders", 1);
        await logs[0].AppendAsync(entry, Ct);
        (await logs[^1].ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }
}
