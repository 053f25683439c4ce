using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>What the PostgreSQL repair log adds to the shared suite (<see cref="PostgreSqlRepairLogConformanceTests"/>): its indexes, NUL, names and errors.</summary>
public sealed class PostgreSqlRepairLogTests : StoreTestBase
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public PostgreSqlRepairLogTests()
        : base("pglog")
    {
    }

    [Fact]
    public async Task Lookups_UseThePartialIndexes_WithoutSorting()
    {
        var log = await LogAsync();
        for (var key = 1; key <= 20; key++)
        {
            await log.AppendAsync(Entry("orders", key), Ct);
        }

        var table = $"\"{Scratch.Schema}\".dualwrite_repair_log";
        var pendingPlan = await ExplainAsync($"SELECT EXISTS (SELECT 1 FROM {table} WHERE entity = 'orders' AND entry_key = '1' AND target = 'New' AND completed_at IS NULL)");
        var oldestPlan = await ExplainAsync($"SELECT id FROM {table} WHERE entity = 'orders' AND completed_at IS NULL ORDER BY failed_at, seq LIMIT 10");

        pendingPlan.Should().Contain("dualwrite_repair_log_pending_key");
        oldestPlan.Should().Contain("dualwrite_repair_log_pending_age").And.NotContain("Sort");
    }

    [Fact]
    public async Task Reason_WithNul_IsStoredWithAReplacementCharacter()
    {
        var log = await LogAsync();

        await log.AppendAsync(Entry("orders", 1) with { Reason = "bad\0byte" }, Ct);

        (await log.ReadPendingAsync("orders", 1, Ct))[0].Reason.Should().Be("bad\uFFFDbyte");
    }

    [Fact]
    public async Task KeyOrEntityWithNul_IsRejectedBeforeWriting()
    {
        var log = await LogAsync();
        var nulKeys = Scratch.RepairLog(formatKey: _ => "k\0");

        var badKey = async () => await nulKeys.AppendAsync(Entry("orders", 1), Ct);
        var badEntity = async () => await log.AppendAsync(Entry("ord\0ers", 1), Ct);

        await badKey.Should().ThrowAsync<ArgumentException>();
        await badEntity.Should().ThrowAsync<ArgumentException>();
        (await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".dualwrite_repair_log")).Should().Be(0);
    }

    [Fact]
    public async Task Names_AreQuoted_AndTheTableLeavesRoomForItsIndexNames()
    {
        var log = Scratch.RepairLog(table: "Repair \"Log\"");
        await log.EnsureSchemaAsync(Ct);
        var entry = Entry("orders", 1);

        await log.AppendAsync(entry, Ct);

        (await log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
        (await Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".\"Repair \"\"Log\"\"\"")).Should().Be(1);
        new PostgreSqlRepairLog<long>(Scratch.DataSource, Format, Parse).Schema.Should().Be("public");
        var tooLong = () => Scratch.RepairLog(table: new string('t', 52));
        tooLong.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task EnsureSchema_MissingSchema_ThrowsTableMissing_NamingIt()
    {
        var log = new PostgreSqlRepairLog<long>(Scratch.DataSource, Format, Parse, schema: Scratch.Schema + "_absent");

        var act = async () => await log.EnsureSchemaAsync(Ct);

        var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
        error.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
        error.Table.Should().Be(Scratch.Schema + "_absent.dualwrite_repair_log");
        error.Message.Should().Contain("Create schema").And.NotContain(PostgreSqlServer.Password);
    }

    [Fact]
    public async Task TableDroppedAfterUse_EveryOperationThrowsTableMissing_WithoutCredentials()
    {
        var log = await LogAsync();
        var entry = Entry("orders", 1);
        await log.AppendAsync(entry, Ct);
        await Scratch.ExecuteAsync($"DROP TABLE \"{Scratch.Schema}\".dualwrite_repair_log");

        foreach (var act in new Func<Task>[]
        {
            async () => await log.AppendAsync(Entry("orders", 2), Ct),
            async () => await log.ReadPendingAsync("orders", 10, Ct),
            async () => await log.HasPendingAsync("orders", 1, StoreRole.New, Ct),
            async () => await log.CompleteAsync([entry], Ct),
        })
        {
            var error = (await act.Should().ThrowAsync<PostgreSqlStoreException>()).Which;
            error.Kind.Should().Be(PostgreSqlStoreErrorKind.TableMissing);
            error.Table.Should().Be(Scratch.Schema + ".dualwrite_repair_log");
            error.Message.Should().Contain("EnsureSchemaAsync").And.NotContain(PostgreSqlServer.Password);
            error.InnerException.Should().BeOfType<PostgresException>();
        }
    }

    private async Task<PostgreSqlRepairLog<long>> LogAsync()
    {
        var log = Scratch.RepairLog();
        await log.EnsureSchemaAsync(Ct);
        return log;
    }

    /// <summary>The plan of <paramref name="sql"/> with sequential scans priced out, so a tiny table still shows which index the planner can use.</summary>
    private async Task<string> ExplainAsync(string sql)
    {
        await using var connection = await Scratch.DataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        await using var command = new NpgsqlCommand($"SET LOCAL enable_seqscan = off; EXPLAIN (COSTS OFF) {sql}", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    private static string Format(long key) => key.ToString(CultureInfo.InvariantCulture);

    private static long Parse(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static RepairEntry<long> Entry(string entity, long key) =>
        new(Guid.NewGuid(), entity, key, StoreRole.New, 1, "test", At);
}
