using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Samples.Orders.Domain;
using DualWrite.Samples.Orders.Migration;
using DualWrite.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace DualWrite.Samples.Tests.Faults;

/// <summary>
/// The campaign's outages of the secondary store, on the fault servers, under the orders service's own traffic: in
/// DualWriteReadOld PostgreSQL (the new store) is frozen with SIGSTOP, so connections hang rather than fail; in
/// DualWriteReadNew MariaDB (the old store, with the application's own tables and the phase table) is. The callers must
/// keep succeeding within their timeout (5 s) — all of them in DualWriteReadOld; in DualWriteReadNew all but the
/// placements, which write the application's own MySQL table <c>order_events</c> — every write they were told succeeded
/// while the store was away must be in the repair log toward it, and once it is back the log must drain to both stores
/// equal and no acknowledged write lost.
/// </summary>
[Trait("Category", FaultCampaign.Category)]
public sealed class SecondaryOutageFaults(ITestOutputHelper output)
{
    /// <summary>
    /// The traffic's timeout for one call, as an application sets one: twice the most the decorator makes a call wait
    /// for a hung store (the secondary write's total timeout, 2 s, plus the repair-log lookup's, 0.5 s), since on a
    /// saturated machine those bounds' timers fire late.
    /// </summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the phase moves, the backfill and the recovery may take before the test fails instead of hanging: a safety net.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    public enum Outage
    {
        PostgreSqlInDualWriteReadOld,
        MariaDbInDualWriteReadNew,
    }

    [Theory]
    [InlineData(Outage.PostgreSqlInDualWriteReadOld)]
    [InlineData(Outage.MariaDbInDualWriteReadNew)]
    public async Task SecondaryFrozen_CallersKeepSucceeding_TheRepairLogHoldsEveryMissedWrite_AndDrainsToEqual(Outage outage)
    {
        await using var faults = await FaultServerLock.AcquireAsync();
        MariaDbFaultServer.EnsureReachable();
        PostgreSqlFaultServer.EnsureReachable();
        var phase = outage == Outage.PostgreSqlInDualWriteReadOld ? MigrationPhase.DualWriteReadOld : MigrationPhase.DualWriteReadNew;
        var secondary = phase.Routing().Secondary;
        var duration = FaultCampaign.Duration(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
        var options = SampleFaultRig.Options("outage", onFaultServers: true, seed: 17, clients: 6);
        var logs = new CapturingLoggerProvider();
        var problems = new List<string>();
        var detail = "";
        long lost = 0;
        long differences = 0;
        TimeSpan? recovery = null;

        var service = await OrdersService.StartAsync(
            options,
            TextWriter.Null,
            CancellationToken.None,
            // The outage is to be ridden out in the phase it struck, not rolled back from.
            entity => entity.AutoRollback.Enabled = false,
            logging => logging.AddProvider(logs));
        try
        {
            var traffic = new OrderTraffic(service.Repository, options.Clients, options.Seed, CallTimeout);
            using var stopTraffic = new CancellationTokenSource();
            var running = traffic.RunAsync(stopTraffic.Token);
            try
            {
                await MoveAsync(service, MigrationPhase.OldOnly, MigrationPhase.Backfill);
                output.WriteLine(await service.Backfill.StartAsync(CancellationToken.None));
                await service.NewTable.EnsureSchemaAsync(CancellationToken.None);
                await MoveAsync(service, MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld);
                if (phase == MigrationPhase.DualWriteReadNew)
                {
                    await MoveAsync(service, MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew);
                }

                // The decorator has seen the repair log with nothing toward the read store since the phase settled.
                var readStore = phase.Routing().Reads;
                await Eventually.WaitUntilAsync(
                    () => logs.Entries.Where(e => e.Id.Id == 1108 && e.Message.Contains($"from the {readStore} store", StringComparison.Ordinal) && e.Message.Contains($"in {phase},", StringComparison.Ordinal))
                        .Select(e => e.Category).Distinct().Count() == 2,
                    "the decorator and the query router to see the repair log empty toward the read store in the settled phase",
                    SafetyNet);
                var before = traffic.NextStretch();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase} before the outage: {before.Operations} operations, {before.Failures} failed"));

                // The fault: the secondary's server frozen for the fault's length (a parameter of the fault, not a wait for the system).
                Pause(secondary);
                IReadOnlyList<RepairEntry<OrderKey>> pendingAtResume;
                IReadOnlyCollection<OrderKey> writtenDuring;
                TrafficStats during;
                try
                {
                    traffic.NextStretch();
                    await Task.Delay(duration);
                    during = traffic.NextStretch();

                    // Every write acknowledged so far committed its intent first; the log toward the frozen store
                    // lives in the other store's database, which answers. (Writes still in flight may reach the store
                    // once it is back, and need no entry.)
                    writtenDuring = during.WrittenKeys;
                    pendingAtResume = await LogToward(service, secondary).ReadPendingAsync(SampleMigration.Entity, 1_000_000, CancellationToken.None);
                }
                finally
                {
                    Resume(secondary);
                }

                var sinceResume = Stopwatch.StartNew();
                var pendingKeys = pendingAtResume.Select(e => e.Key).ToHashSet();
                var missed = writtenDuring.Where(k => !pendingKeys.Contains(k)).ToList();
                if (missed.Count > 0)
                {
                    problems.Add($"{missed.Count} of {writtenDuring.Count} writes acknowledged during the outage have no entry toward the {secondary} store, e.g. {missed[0]}");
                }

                var figures = during.ByKind;
                string[] allowedToFail = phase == MigrationPhase.DualWriteReadNew ? ["place"] : [];

                var decoratorOnly = figures.Where(f => !allowedToFail.Contains(f.Key)).Sum(f => f.Value.Operations);
                if (decoratorOnly == 0 || writtenDuring.Count == 0)
                {
                    problems.Add($"the traffic did not keep going during the outage: {decoratorOnly} operations, {writtenDuring.Count} writes acknowledged");
                }

                if (during.StaleReads > 0)
                {
                    problems.Add($"{during.StaleReads} stale reads during the outage: {during.FirstProblem}");
                }

                // Recovery: every entry pending at the resume is repaired, with the traffic still running.
                var outageEntries = pendingAtResume.Select(e => e.Id).ToHashSet();
                await Eventually.WaitUntilAsync(
                    async () => !(await LogToward(service, secondary).ReadPendingAsync(SampleMigration.Entity, 1_000_000, CancellationToken.None)).Any(e => outageEntries.Contains(e.Id)),
                    $"the {outageEntries.Count} entries of the outage to be repaired",
                    SafetyNet + (TimeSpan.FromMilliseconds(10) * outageEntries.Count));
                recovery = sinceResume.Elapsed;

                var after = traffic.NextStretch();
                await stopTraffic.CancelAsync();
                await running;

                // Calls the clients gave up on end once the store answers; none may outlive the test (and its hold on the fault servers).
                await traffic.WhenAbandonedCallsEndAsync().WaitAsync(SafetyNet);

                var (stores, plan) = await SampleFaultRig.SettleAndReconcileAsync(service, SafetyNet);
                await service.StopAsync();
                var (checkedKeys, lostKeys, notOnce) = await traffic.VerifyAsync(service.OldStore, CancellationToken.None);
                var (_, lostInNew, _) = await traffic.VerifyAsync(service.NewStore, CancellationToken.None);
                lost = lostKeys.Union(lostInNew).Count();
                differences = SampleFaultRig.Differences(stores) + SampleFaultRig.Differences(plan);
                if (lost > 0)
                {
                    problems.Add($"{lost} acknowledged writes lost (old store: {string.Join(", ", lostKeys.Take(5))}; new store: {string.Join(", ", lostInNew.Take(5))})");
                }

                if (notOnce.Count > 0)
                {
                    problems.Add($"{notOnce.Count} placements not recorded exactly once, e.g. {notOnce[0]}");
                }

                if (differences > 0)
                {
                    problems.Add($"the stores differ: {SampleFaultRig.Describe(stores)}; the plan's tables: {SampleFaultRig.Describe(plan)}");
                }

                // Calls of the outage's stretch that were still in flight at its end have ended now: the final figures.
                figures = during.ByKind;
                if (figures.Where(f => f.Value.Failures > 0).Select(f => f.Key).Except(allowedToFail).Any())
                {
                    problems.Add($"callers failed during the outage: {string.Join(", ", figures.Where(f => f.Value.Failures > 0).Select(f => $"{f.Key} {f.Value.Failures}"))}; first: {during.FirstProblem}");
                }

                var placements = figures.GetValueOrDefault("place");
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"{during.Operations} calls during the outage (p99 {during.LatencyMs(0.99):0} ms, max {during.LatencyMs(1):0} ms, timeout {CallTimeout.TotalSeconds:0} s), " +
                    $"{during.Failures} failed{(allowedToFail.Length > 0 ? $" (placements, which write the application's own MySQL table: {placements.Failures} of {placements.Operations + placements.Failures})" : "")}; " +
                    $"{writtenDuring.Count} keys written, {pendingAtResume.Count} entries in the repair log toward the {secondary} store at the resume; " +
                    $"{after.Operations} calls while it drained; {checkedKeys} acknowledged keys checked in both stores, {traffic.WritesInDoubt} writes in doubt; " +
                    $"the catch-up resumed {service.Backfill.Resumes} times");
                output.WriteLine("during the outage, per kind: " + string.Join(", ", figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value.Operations} ok / {f.Value.Failures} failed / max {f.Value.MaxLatencyMs:0} ms"))) + $"; first problem: {during.FirstProblem}");
                output.WriteLine(detail);
            }
            finally
            {
                await stopTraffic.CancelAsync();
                await running;
            }
        }
        finally
        {
            Resume(secondary);
            await service.DisposeAsync();
            await SampleFaultRig.DropAsync(options, onFaultServers: true);
        }

        var row = new FaultResult(
            $"{(secondary == StoreRole.New ? "PostgreSQL (new store)" : "MariaDB (old store)")} frozen {duration.TotalSeconds:0} s in {phase}",
            1,
            problems.Count == 0 ? 1 : 0,
            lost,
            differences,
            recovery,
            detail);
        output.WriteLine(FaultCampaign.Record(row));
        problems.Should().BeEmpty();
    }

    private static async Task MoveAsync(OrdersService service, MigrationPhase from, MigrationPhase to)
    {
        var kind = to > from ? PhaseTransitionKind.Advance : PhaseTransitionKind.StepBack;
        var outcome = await ((IPhaseTransitioner)service.Control).TransitionAsync(
            new PhaseTransitionRequest(SampleMigration.Entity, from, to, kind, OrdersService.Operator, $"outage fault: {from} → {to}"), CancellationToken.None);
        outcome.Allowed.Should().BeTrue(string.Join("; ", outcome.FailedGates.Select(g => $"{g.GateName}: {g.Result.Reason}")));
        await Eventually.WaitUntilAsync(() => service.Phases.GetPhase(SampleMigration.Entity) == to, $"the application to see {to}", SafetyNet);
    }

    private static IRepairLog<OrderKey> LogToward(OrdersService service, StoreRole target) => service.Log.For(target);

    private static void Pause(StoreRole store)
    {
        if (store == StoreRole.New)
        {
            PostgreSqlFaultServer.Pause();
        }
        else
        {
            MariaDbFaultServer.Pause();
        }
    }

    private static void Resume(StoreRole store)
    {
        if (store == StoreRole.New)
        {
            PostgreSqlFaultServer.Resume();
        }
        else
        {
            MariaDbFaultServer.Resume();
        }
    }
}
