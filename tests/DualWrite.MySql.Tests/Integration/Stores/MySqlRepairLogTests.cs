using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.MySql.Stores;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>What the MySQL repair log adds to the shared suite (<see cref="MySqlRepairLogConformanceTests"/>): the application's Guid formats, and index plans.</summary>
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
        await log.CompleteAsync([entry], Ct);
        (await log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
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
