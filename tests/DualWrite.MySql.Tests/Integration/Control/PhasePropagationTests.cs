using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using DualWrite.Testing;
using Microsoft.Extensions.Primitives;
using Xunit.Abstractions;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>
/// Every phase flip made through the control table reaches every application instance, in order. The time it takes
/// is printed, not asserted: it depends on how busy the machine is. What bounds it is the control table's poll
/// period (<see cref="MySqlPhaseConfigurationOptions.DefaultPollInterval"/>) and the phase source's refresh timer,
/// whose 250 ms period is asserted on a fake clock in the core's flag tests.
/// </summary>
public sealed class PhasePropagationTests(ITestOutputHelper output) : PhaseControlTestBase
{
    [Fact]
    public async Task Flips_ForwardAndBack_ReachTwoInstances()
    {
        const string entity = "orders";

        // On two cores the pool starts with two threads and adds more only every half second or so when they are
        // all busy; with the other suites of this test host (or other processes) loading the machine, the
        // instances' poll loops then waited up to ~1.2 s for a thread. A service sizes its pool; so does this test,
        // so that what it measures is the flag path, not the test host's pool.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
        var control = Control();
        await control.InitializeAsync(entity, "test", CancellationToken.None);
        using var first = new AppInstance(Tables, entities: entity);
        using var second = new AppInstance(Tables, entities: entity);
        first.Phases.GetPhase(entity).Should().Be(MigrationPhase.OldOnly);
        second.Phases.GetPhase(entity).Should().Be(MigrationPhase.OldOnly);

        (PhaseTransitionKind Kind, MigrationPhase To)[] flips =
        [
            (PhaseTransitionKind.Advance, MigrationPhase.Backfill),
            (PhaseTransitionKind.Advance, MigrationPhase.DualWriteReadOld),
            (PhaseTransitionKind.Advance, MigrationPhase.DualWriteReadNew),
            (PhaseTransitionKind.StepBack, MigrationPhase.DualWriteReadOld),
            (PhaseTransitionKind.Advance, MigrationPhase.DualWriteReadNew),
            (PhaseTransitionKind.Advance, MigrationPhase.NewOnly),
            (PhaseTransitionKind.StepBack, MigrationPhase.DualWriteReadNew),
            (PhaseTransitionKind.RollbackTo, MigrationPhase.OldOnly),
        ];
        var measured = new List<(string Flip, TimeSpan First, TimeSpan Second, TimeSpan? FirstReload, TimeSpan? SecondReload)>();
        var clock = new Stopwatch();
        TimeSpan? firstReload = null, secondReload = null;
        using var firstSignal = ChangeToken.OnChange(first.Configuration.GetReloadToken, () => firstReload ??= clock.Elapsed);
        using var secondSignal = ChangeToken.OnChange(second.Configuration.GetReloadToken, () => secondReload ??= clock.Elapsed);
        foreach (var (kind, to) in flips)
        {
            var outcome = await control.TransitionAsync(entity, to, kind, "test", "propagation measurement", CancellationToken.None);
            outcome.Applied.Should().BeTrue(outcome.Decision.Rejection.ToString());

            // The clock starts once the change is committed: what is measured is what the instances add.
            (firstReload, secondReload) = (null, null);
            clock.Restart();
            TimeSpan? firstSaw = null, secondSaw = null;
            await Eventually.WaitUntilAsync(
                () =>
                {
                    firstSaw ??= first.Phases.GetPhase(entity) == to ? clock.Elapsed : null;
                    secondSaw ??= second.Phases.GetPhase(entity) == to ? clock.Elapsed : null;
                    return firstSaw is not null && secondSaw is not null;
                },
                $"both instances to see {to}");
            measured.Add(($"{kind} -> {to}", firstSaw!.Value, secondSaw!.Value, firstReload, secondReload));
        }

        // Per instance: when its configuration reloaded (the poll saw the row) and when GetPhase returned the new phase.
        foreach (var (flip, a, b, aReload, bReload) in measured)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{flip,-30} instance 1: {a.TotalMilliseconds,6:0.0} ms (reload {aReload?.TotalMilliseconds,6:0.0})   instance 2: {b.TotalMilliseconds,6:0.0} ms (reload {bReload?.TotalMilliseconds,6:0.0})"));
        }

        var all = measured.SelectMany(m => new[] { m.First, m.Second }).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"propagation over {all.Length} observations: mean {all.Average(t => t.TotalMilliseconds):0.0} ms, max {all.Max().TotalMilliseconds:0.0} ms"));
        measured.Should().HaveCount(flips.Length, "every flip reached both instances");
        first.Phases.Health.Should().Be(PhaseSourceHealth.Healthy);
        second.Phases.Health.Should().Be(PhaseSourceHealth.Healthy);
    }
}
