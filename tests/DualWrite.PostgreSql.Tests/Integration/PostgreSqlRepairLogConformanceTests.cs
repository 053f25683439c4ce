using DualWrite.Conformance;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>The shared repair-log conformance suite against PostgreSQL: each test gets its own scratch schema.</summary>
public sealed class PostgreSqlRepairLogConformanceTests : RepairLogConformanceTests<PostgreSqlRepairLog<long>>
{
    private StoreScratch? _scratch;

    private StoreScratch Scratch => _scratch ?? throw new InvalidOperationException("The scratch schema is not set up yet.");

    protected override async Task CreateScratchAsync() => _scratch = await StoreScratch.CreateAsync("repairlog");

    protected override async Task DropScratchAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }

    protected override PostgreSqlRepairLog<long> OpenLog(string? table = null, Func<long, string>? formatKey = null) =>
        Scratch.RepairLog(Time, table ?? PostgreSqlRepairLog<long>.DefaultTable, formatKey);

    protected override Task EnsureSchemaAsync(PostgreSqlRepairLog<long> log) => log.EnsureSchemaAsync(Ct);

    protected override async Task<IReadOnlyList<DateTimeOffset?>> CompletionTimesAsync()
    {
        await using var command = Scratch.DataSource.CreateCommand($"SELECT completed_at FROM \"{Scratch.Schema}\".dualwrite_repair_log ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        var times = new List<DateTimeOffset?>();
        while (await reader.ReadAsync())
        {
            times.Add(reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0));
        }

        return times;
    }

    protected override Task<long> RowCountAsync() => Scratch.CountAsync($"SELECT count(*) FROM \"{Scratch.Schema}\".dualwrite_repair_log");

    protected override bool IsTableMissing(Exception error) => error is PostgreSqlStoreException { Kind: PostgreSqlStoreErrorKind.TableMissing };

    protected override bool IsEntryConflict(Exception error) => error is PostgreSqlStoreException { Kind: PostgreSqlStoreErrorKind.RepairEntryConflict };
}
