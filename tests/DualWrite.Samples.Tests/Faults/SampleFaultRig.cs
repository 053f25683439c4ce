using DualWrite.Core.Reconciliation;
using DualWrite.Samples.Orders.Migration;
using DualWrite.Testing;

namespace DualWrite.Samples.Tests.Faults;

/// <summary>What the orders service's fault tests share: fresh databases on the main or the fault servers, and the end checks' figures.</summary>
internal static class SampleFaultRig
{
    /// <summary>The service's options over a fresh database and schema named after <paramref name="prefix"/>: 400 seeded orders, <paramref name="clients"/> clients per instance.</summary>
    public static SampleOptions Options(string prefix, bool onFaultServers, int seed, int clients = 2)
    {
        var name = $"t_{prefix}_{Guid.NewGuid().ToString("N")[..10]}";
        return new SampleOptions
        {
            ConnectionString = onFaultServers ? MariaDbFaultServer.ConnectionString() : MariaDbServer.ConnectionString(),
            PostgreSqlConnectionString = onFaultServers ? PostgreSqlFaultServer.ConnectionString() : PostgreSqlServer.ConnectionString(),
            OldDatabase = name,
            NewSchema = name,
            SeedOrders = 400,
            Clients = clients,
            Seed = seed,
        };
    }

    public static async Task DropAsync(SampleOptions options, bool onFaultServers)
    {
        if (onFaultServers)
        {
            await MariaDbFaultServer.ExecuteAsync($"DROP DATABASE IF EXISTS `{options.OldDatabase}`");
        }
        else
        {
            await MariaDbServer.DropDatabaseAsync(options.OldDatabase);
        }

        await using var postgres = onFaultServers ? PostgreSqlFaultServer.CreateDataSource() : PostgreSqlServer.CreateDataSource();
        await using var drop = postgres.CreateCommand($"DROP SCHEMA IF EXISTS \"{options.NewSchema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The end state once nothing is in flight (call after the traffic stopped): the repair log drained, the binlog
    /// applied, then the stores' pair and the plan's tables reconciled.
    /// </summary>
    public static async Task<(EntityReport Stores, EntityReport Plan)> SettleAndReconcileAsync(OrdersService service, TimeSpan safetyNet)
    {
        await Eventually.WaitUntilAsync(
            async () => (await service.Log.ReadPendingAsync(SampleMigration.Entity, 1, CancellationToken.None)).Count == 0,
            "the repair log to drain after the traffic stopped",
            safetyNet);
        await service.Backfill.DrainAsync(CancellationToken.None);
        var stores = await service.Reconciler.RunAsync(service.Pair, TransientCheckpoints.Instance, null, CancellationToken.None);
        var plan = (await service.Backfill.ReconcileAsync(CancellationToken.None)).Entities.Single();
        return (stores, plan);
    }

    public static long Differences(EntityReport report) => report.Missing + report.Extra + report.Differing + report.Lagging;

    public static string Describe(EntityReport report) =>
        $"{report.SourceRows} rows, {report.Missing} missing, {report.Extra} extra, {report.Differing} differing, {report.Lagging} behind" +
        (report.Samples.Count > 0 ? ", e.g. " + string.Join(", ", report.Samples.Take(3).Select(d => $"{d.Key} {d.Kind}")) : "");
}
