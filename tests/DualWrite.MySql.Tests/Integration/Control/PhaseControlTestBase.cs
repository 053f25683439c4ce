using DualWrite.Core.Phases;
using DualWrite.MySql.Control;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>
/// Control tables of the test's own (unique names in the shared database, so tests run in
/// parallel with each other and with other suites), dropped afterwards.
/// </summary>
public abstract class PhaseControlTestBase : IAsyncLifetime
{
    protected PhaseControlTestBase()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        Tables = new PhaseControlTables($"t_phase_{suffix}", $"t_phase_audit_{suffix}", $"t_health_{suffix}");
        DataSource = new MySqlDataSource(MariaDbServer.ConnectionString());
    }

    protected PhaseControlTables Tables { get; }

    protected MySqlDataSource DataSource { get; }

    /// <summary>A control whose planner holds forward moves to <paramref name="gates"/>.</summary>
    protected MySqlPhaseControl Control(TimeProvider? clock = null, params IPhaseGate[] gates) =>
        new(DataSource, new PhaseTransitionPlanner(gates, clock ?? TimeProvider.System), Tables, clock);

    public async Task InitializeAsync()
    {
        MariaDbServer.EnsureReachable();
        await Control().EnsureSchemaAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await ExecuteAsync($"DROP TABLE IF EXISTS `{Tables.PhaseTable}`, `{Tables.AuditTable}`, `{Tables.HealthTable}`");
        await DataSource.DisposeAsync();
    }

    protected async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    protected async Task<long> CountAuditRowsAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM `{Tables.AuditTable}`", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
