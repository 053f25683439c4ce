using System.Globalization;
using DualWrite.Conformance;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>The shared repair-log conformance suite against MariaDB: each test gets its own scratch database.</summary>
public sealed class MySqlRepairLogConformanceTests : RepairLogConformanceTests<MySqlRepairLog<long>>
{
    private StoreScratch? _scratch;

    private StoreScratch Scratch => _scratch ?? throw new InvalidOperationException("The scratch database is not set up yet.");

    protected override async Task CreateScratchAsync() => _scratch = await StoreScratch.CreateAsync("repairlog");

    protected override async Task DropScratchAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected override MySqlRepairLog<long> OpenLog(string? table = null, Func<long, string>? formatKey = null) => new(
        Scratch.DataSource,
        formatKey ?? (key => key.ToString(CultureInfo.InvariantCulture)),
        text => long.Parse(text, CultureInfo.InvariantCulture),
        Time,
        table ?? MySqlRepairLog<long>.DefaultTable);

    protected override Task EnsureSchemaAsync(MySqlRepairLog<long> log) => log.EnsureSchemaAsync(Ct);

    protected override async Task<IReadOnlyList<DateTimeOffset?>> CompletionTimesAsync()
    {
        await using var connection = await Scratch.OpenAsync();
        await using var command = new MySqlCommand("SELECT completed_at FROM dualwrite_repair_log ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var times = new List<DateTimeOffset?>();
        while (await reader.ReadAsync())
        {
            times.Add(reader.IsDBNull(0) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)));
        }

        return times;
    }

    protected override Task<long> RowCountAsync() => Scratch.CountAsync("SELECT COUNT(*) FROM dualwrite_repair_log");

    protected override bool IsTableMissing(Exception error) => error is MySqlStoreException { Kind: MySqlStoreErrorKind.TableMissing };

    protected override bool IsEntryConflict(Exception error) => error is MySqlStoreException { Kind: MySqlStoreErrorKind.RepairEntryConflict };
}
