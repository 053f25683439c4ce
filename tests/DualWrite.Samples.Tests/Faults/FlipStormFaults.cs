using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Samples.Orders.Migration;
using DualWrite.Testing;
using Xunit.Abstractions;

namespace DualWrite.Samples.Tests.Faults;

/// <summary>
/// The campaign's phase flip storm: two instances of the orders service over the same databases, each with its own
/// traffic, its own phase source and its own version clock, while an operator makes random moves through the phase
/// control (forward through the gates, a step back, a roll back of any depth, between OldOnly and NewOnly) as fast as
/// one instance or the other sees them, so the instances are often in different phases. The backfill's catch-up runs
/// throughout as the backstop. Afterwards every acknowledged write of both instances must be in both stores, no read
/// may have returned anything but the client's own last write, and both stores must reconcile equal.
/// </summary>
[Trait("Category", FaultCampaign.Category)]
public sealed class FlipStormFaults(ITestOutputHelper output)
{
    /// <summary>How long phase moves and the end's drains may take before the test fails instead of hanging: a safety net.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RandomFlipsAcrossTwoInstances_UnderTraffic_EndWithNothingLostStaleOrDifferent()
    {
        MariaDbServer.EnsureReachable();
        PostgreSqlServer.EnsureReachable();
        var flips = FaultCampaign.Runs(20, 200);
        var options = SampleFaultRig.Options("storm", onFaultServers: false, seed: 23);
        var random = new Random(options.Seed);
        var problems = new List<string>();
        var applied = new Dictionary<PhaseTransitionKind, int>();
        var refused = new List<string>();
        long lost = 0, differences = 0;
        var detail = "";
        var watch = Stopwatch.StartNew();
        TimeSpan? recovery = null;

        var service = await OrdersService.StartAsync(
            options,
            TextWriter.Null,
            CancellationToken.None,
            // Only the operator moves the phase here.
            entity => entity.AutoRollback.Enabled = false);
        try
        {
            var second = await service.StartInstanceAsync(CancellationToken.None);
            OrdersInstance[] instances = [service.First, second];
            OrderTraffic[] traffic =
            [
                new(service.First.Repository, options.Clients, options.Seed),
                new(second.Repository, options.Clients, options.Seed + 1, firstCustomerId: OrderTraffic.FirstCustomerId + 100_000),
            ];
            using var stopTraffic = new CancellationTokenSource();
            var running = Task.WhenAll(traffic.Select(t => t.RunAsync(stopTraffic.Token)));
            try
            {
                var current = MigrationPhase.OldOnly;
                current = await MoveAsync(service, instances, current, MigrationPhase.Backfill, PhaseTransitionKind.Advance, instances, refused) ?? current;
                output.WriteLine(await service.Backfill.StartAsync(CancellationToken.None));
                await service.NewTable.EnsureSchemaAsync(CancellationToken.None);
                foreach (var t in traffic)
                {
                    t.NextStretch();
                }

                for (var flip = 0; flip < flips; flip++)
                {
                    var (kind, to) = NextMove(random, current);

                    // Wait for one instance, picked at random, to see the move: the other may still be a phase or more behind.
                    var watcher = instances[random.Next(instances.Length)];
                    if (await MoveAsync(service, instances, current, to, kind, [watcher], refused) is { } now)
                    {
                        current = now;
                        applied[kind] = applied.GetValueOrDefault(kind) + 1;
                    }

                    // Some traffic on the watching instance in the new phase before the next move.
                    var stretch = traffic[Array.IndexOf(instances, watcher)];
                    var before = stretch.OperationsInStretch;
                    await Eventually.WaitUntilAsync(() => stretch.OperationsInStretch >= before + 5, "traffic in the new phase", SafetyNet);
                }

                var storm = watch.Elapsed;
                var stretches = traffic.Select(t => t.NextStretch()).ToList();
                await stopTraffic.CancelAsync();
                await running;
                var ended = Stopwatch.StartNew();

                var (stores, plan) = await SampleFaultRig.SettleAndReconcileAsync(service, SafetyNet);
                recovery = ended.Elapsed;
                await service.StopAsync();

                long checkedKeys = 0;
                foreach (var t in traffic)
                {
                    var (inOld, lostInOld, notOnce) = await t.VerifyAsync(service.OldStore, CancellationToken.None);
                    var (_, lostInNew, _) = await t.VerifyAsync(service.NewStore, CancellationToken.None);
                    checkedKeys += inOld;
                    lost += lostInOld.Union(lostInNew).Count();
                    if (lostInOld.Count + lostInNew.Count > 0)
                    {
                        problems.Add($"acknowledged writes lost: old store {string.Join(", ", lostInOld.Take(5))}; new store {string.Join(", ", lostInNew.Take(5))}");
                    }

                    if (notOnce.Count > 0)
                    {
                        problems.Add($"{notOnce.Count} placements not recorded exactly once, e.g. {notOnce[0]}");
                    }
                }

                var staleByKind = stretches.SelectMany(s => s.ByKind).Where(k => k.Value.Stale > 0).GroupBy(k => k.Key).Select(g => $"{g.Sum(k => k.Value.Stale)} {g.Key}");
                var operations = stretches.Sum(s => s.Operations);
                var failures = stretches.Sum(s => s.Failures);
                var stale = stretches.Sum(s => s.StaleReads);
                if (failures + stale > 0)
                {
                    problems.Add($"{failures} calls failed and {stale} reads were stale during the storm; first: {string.Join(" | ", stretches.Select(s => s.FirstProblem).Where(p => p is not null))}");
                }

                if (applied.Values.Sum() < flips / 2)
                {
                    problems.Add($"only {applied.Values.Sum()} of {flips} moves were applied; refused: {string.Join("; ", refused.Take(5))}");
                }

                differences = SampleFaultRig.Differences(stores) + SampleFaultRig.Differences(plan);
                if (differences > 0)
                {
                    problems.Add($"the stores differ: {SampleFaultRig.Describe(stores)}; the plan's tables: {SampleFaultRig.Describe(plan)}");
                }

                detail = string.Create(CultureInfo.InvariantCulture,
                    $"{applied.Values.Sum()} moves applied ({string.Join(", ", applied.OrderBy(a => a.Key).Select(a => $"{a.Value} {a.Key}"))}), {refused.Count} refused by a gate, in {storm.TotalSeconds:0} s; " +
                    $"{operations} calls on 2 instances ({failures} failed, {stale} stale reads{(stale > 0 ? ": " + string.Join(", ", staleByKind) : "")}); {checkedKeys} acknowledged keys checked in both stores; " +
                    $"stores reconciled: {stores.SourceRows} rows");
                output.WriteLine(detail);
                foreach (var refusal in refused.Take(10))
                {
                    output.WriteLine("refused: " + refusal);
                }
            }
            finally
            {
                await stopTraffic.CancelAsync();
                await running;
            }
        }
        finally
        {
            await service.DisposeAsync();
            await SampleFaultRig.DropAsync(options, onFaultServers: false);
        }

        var row = new FaultResult($"phase flip storm: {flips} random moves, 2 instances", 1, problems.Count == 0 ? 1 : 0, lost, differences, recovery, detail);
        output.WriteLine(FaultCampaign.Record(row));
        problems.Should().BeEmpty();
    }

    /// <summary>A random move from <paramref name="current"/>: forward one phase, back one, or back to any earlier phase.</summary>
    private static (PhaseTransitionKind Kind, MigrationPhase To) NextMove(Random random, MigrationPhase current)
    {
        var roll = random.Next(10);
        if (current == MigrationPhase.OldOnly || (current < MigrationPhase.NewOnly && roll < 5))
        {
            return (PhaseTransitionKind.Advance, current + 1);
        }

        if (roll < 8)
        {
            return (PhaseTransitionKind.StepBack, current - 1);
        }

        return (PhaseTransitionKind.RollbackTo, (MigrationPhase)random.Next((int)MigrationPhase.OldOnly, (int)current));
    }

    /// <summary>Makes the move; returns the new phase once every instance in <paramref name="watchers"/> sees it, or null when a gate refused it.</summary>
    private static async Task<MigrationPhase?> MoveAsync(
        OrdersService service, OrdersInstance[] instances, MigrationPhase from, MigrationPhase to, PhaseTransitionKind kind, OrdersInstance[] watchers, List<string> refused)
    {
        var outcome = await ((IPhaseTransitioner)service.Control).TransitionAsync(
            new PhaseTransitionRequest(SampleMigration.Entity, from, to, kind, OrdersService.Operator, $"flip storm: {kind} {from} → {to}"), CancellationToken.None);
        if (!outcome.Allowed)
        {
            refused.Add($"{kind} {from} → {to}: {outcome.Rejection} {string.Join("; ", outcome.FailedGates.Select(g => $"{g.GateName}: {g.Result.Reason}"))}");
            return null;
        }

        await Eventually.WaitUntilAsync(
            () => watchers.All(w => w.Phases.GetPhase(SampleMigration.Entity) == to),
            $"instance {string.Join(", ", watchers.Select(w => Array.IndexOf(instances, w)))} to see {to}",
            SafetyNet);
        return to;
    }
}
