using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.MySql.Stores;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>The durable repair log against MariaDB: the same behaviour as the in-memory log, plus what durability adds.</summary>
public sealed class MySqlRepairLogTests : StoreTestBase
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(At.AddHours(1));
    private MySqlRepairLog<long> _log = null!;

    public MySqlRepairLogTests()
        : base("repairlog")
    {
    }

    protected override async Task SetUpAsync()
    {
        _log = Scratch.RepairLog(time: _time);
        await _log.EnsureSchemaAsync(Ct);
    }


    [Fact]
    public async Task ReadPending_ReturnsOldestFirst_UpToMax_ForOneEntity()
    {
        await _log.AppendAsync(Entry("orders", 1), Ct);
        await _log.AppendAsync(Entry("customers", 2), Ct);
        await _log.AppendAsync(Entry("orders", 3), Ct);
        await _log.AppendAsync(Entry("orders", 4), Ct);

        (await _log.ReadPendingAsync("orders", 2, Ct)).Select(e => e.Key).Should().Equal(1, 3);
    }

    [Fact]
    public async Task ReadPending_OrdersByFailureTime_BeforeAppendOrder()
    {
        await _log.AppendAsync(Entry("orders", 1) with { FailedAt = At.AddSeconds(2) }, Ct);
        await _log.AppendAsync(Entry("orders", 2) with { FailedAt = At.AddSeconds(1) }, Ct);

        (await _log.ReadPendingAsync("orders", 10, Ct)).Select(e => e.Key).Should().Equal(2, 1);
    }

    [Fact]
    public async Task ReadPending_ReturnsTheEntriesAsAppended()
    {
        var entry = new RepairEntry<long>(Guid.NewGuid(), "orders", 42, StoreRole.Old, 1234567890123456, "TimeoutException: slow", At.AddTicks(1234560));

        await _log.AppendAsync(entry, Ct);

        (await _log.ReadPendingAsync("orders", 1, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Complete_RemovesTheEntry_AndIsIdempotent()
    {
        var entry = Entry("orders", 1);
        await _log.AppendAsync(entry, Ct);

        await _log.CompleteAsync(entry, Ct);
        _time.Advance(TimeSpan.FromHours(1));
        await _log.CompleteAsync(entry, Ct);

        (await _log.ReadPendingAsync("orders", 10, Ct)).Should().BeEmpty();
        (await _log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
        (await Scratch.ScalarAsync("SELECT completed_at FROM dualwrite_repair_log")).Should().Be(At.AddHours(1).UtcDateTime, "the first completion's time, from the time provider");
    }

    [Fact]
    public async Task HasPending_MatchesEntityKeyAndTarget()
    {
        await _log.AppendAsync(Entry("orders", 1), Ct);

        (await _log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeTrue();
        (await _log.HasPendingAsync("orders", 1, StoreRole.Old, Ct)).Should().BeFalse();
        (await _log.HasPendingAsync("orders", 2, StoreRole.New, Ct)).Should().BeFalse();
        (await _log.HasPendingAsync("customers", 1, StoreRole.New, Ct)).Should().BeFalse();
        (await _log.HasPendingAsync("ORDERS", 1, StoreRole.New, Ct)).Should().BeFalse("entities match exactly");
    }

    [Fact]
    public async Task ReadPending_RejectsNonPositiveMax()
    {
        var act = async () => await _log.ReadPendingAsync("orders", 0, Ct);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Append_SameIdTwice_KeepsOneEntry()
    {
        var entry = Entry("orders", 1);

        await _log.AppendAsync(entry, Ct);
        await _log.AppendAsync(entry with { Reason = "retried", FailedAt = At.AddMinutes(1) }, Ct);

        (await _log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Append_SameIdWithOtherContent_ThrowsConflict_AndKeepsTheFirst()
    {
        var entry = Entry("orders", 1);
        await _log.AppendAsync(entry, Ct);

        var act = async () => await _log.AppendAsync(entry with { Key = 2 }, Ct);

        (await act.Should().ThrowAsync<MySqlStoreException>()).Which.Kind.Should().Be(MySqlStoreErrorKind.RepairEntryConflict);
        (await _log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Append_LongReason_IsCutWithoutSplittingACharacter()
    {
        var reason = new string('x', 1023) + "😀" + new string('y', 100);

        await _log.AppendAsync(Entry("orders", 1) with { Reason = reason }, Ct);

        (await _log.ReadPendingAsync("orders", 1, Ct))[0].Reason.Should().Be(new string('x', 1023));
        MySqlRepairLog<long>.FitReason("bad \uD800 surrogate").Should().Be("bad \uFFFD surrogate");
    }

    [Fact]
    public async Task Append_KeyTooLongAsText_IsRejectedBeforeWriting()
    {
        var log = new MySqlRepairLog<long>(Scratch.DataSource, k => new string('k', 600), long.Parse);

        var act = async () => await log.AppendAsync(Entry("orders", 1), Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        (await Scratch.CountAsync("SELECT COUNT(*) FROM dualwrite_repair_log")).Should().Be(0);
    }

    [Theory]
    [InlineData(MySqlGuidFormat.Default)]
    [InlineData(MySqlGuidFormat.None)]
    [InlineData(MySqlGuidFormat.Char32)]
    public async Task Entries_RoundTrip_WhateverGuidFormatTheApplicationsDataSourceUses(MySqlGuidFormat format)
    {
        // The id column is CHAR(36): MySqlConnector reads it as a Guid by default, as text under the other formats.
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b =>
        {
            b.Database = Scratch.Database;
            b.GuidFormat = format;
        }));
        var log = new MySqlRepairLog<long>(dataSource, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), long.Parse, _time);
        var entry = Entry("orders", 1);

        await log.AppendAsync(entry, Ct);
        await log.AppendAsync(entry, Ct);

        (await log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
        await log.CompleteAsync(entry, Ct);
        (await log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task Entries_SurviveANewLogInstance()
    {
        await _log.AppendAsync(Entry("orders", 7), Ct);

        var reopened = Scratch.RepairLog();

        (await reopened.HasPendingAsync("orders", 7, StoreRole.New, Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task EnsureSchema_IsIdempotent_AndLookupsUseTheIndexes()
    {
        await _log.EnsureSchemaAsync(Ct);

        var pendingPlan = await ExplainAsync("SELECT 1 FROM dualwrite_repair_log WHERE entity = 'o' AND entry_key = '1' AND target = 'New' AND completed_at IS NULL LIMIT 1");
        var oldestPlan = await ExplainAsync("SELECT id FROM dualwrite_repair_log WHERE entity = 'o' AND completed_at IS NULL ORDER BY failed_at, seq LIMIT 10");

        pendingPlan.Should().Contain("dualwrite_repair_pending_key");
        oldestPlan.Should().Contain("dualwrite_repair_pending_age").And.NotContain("filesort");
    }

    [Fact]
    public async Task MissingTable_ThrowsTableMissing_NamingIt()
    {
        var log = Scratch.RepairLog("no_such_log");

        var act = async () => await log.AppendAsync(Entry("orders", 1), Ct);

        (await act.Should().ThrowAsync<MySqlStoreException>()).Which.Message.Should().Contain("no_such_log").And.Contain("EnsureSchemaAsync");
    }

    private async Task<string> ExplainAsync(string sql)
    {
        await using var connection = await Scratch.OpenAsync();
        await using var command = new MySqlCommand("EXPLAIN " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var text = new List<string>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Add(reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
            }
        }

        return string.Join(" | ", text);
    }

    private static RepairEntry<long> Entry(string entity, long key) =>
        new(Guid.NewGuid(), entity, key, StoreRole.New, 1, "test", At);
}
