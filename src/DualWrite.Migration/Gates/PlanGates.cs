using DualWrite.Core.Phases;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Control;

namespace DualWrite.Migration.Gates;

/// <summary>
/// The gates a plan's forward phase moves pass: the ones every plan has (<see cref="VersionOrderGate"/>), then those
/// its <c>gates:</c> list names (<see cref="ReconciledGate"/>, <see cref="CdcLagGate"/>, <see cref="SecondaryErrorsGate"/>).
/// A name no gate answers to is a plan problem (<see cref="Unknown"/>), so a typo never leaves a move ungated.
/// </summary>
public static class PlanGates
{
    private static readonly string[] TargetReaders = [ReconciledGate.GateName, CdcLagGate.GateName];

    /// <summary>Names a plan's <c>gates:</c> list may hold.</summary>
    public static IReadOnlyList<string> Known { get; } = [VersionOrderGate.GateName, ReconciledGate.GateName, CdcLagGate.GateName, SecondaryErrorsGate.GateName];

    /// <summary>The names in <paramref name="gates"/> that no gate answers to.</summary>
    public static IEnumerable<string> Unknown(IEnumerable<string> gates) =>
        gates.Where(g => !Known.Contains(g, StringComparer.Ordinal));

    /// <summary>Whether a gate <paramref name="plan"/> names reads the target (then <see cref="GateServers.Target"/> is needed).</summary>
    public static bool ReadsTarget(MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Gates.Any(g => TargetReaders.Contains(g, StringComparer.Ordinal));
    }

    /// <summary>The gates of <paramref name="plan"/>, in the order of its <c>gates:</c> list after the version order, each once.</summary>
    /// <exception cref="ArgumentException">A named gate is unknown (a plan built in code), or reads the target and <see cref="GateServers.Target"/> is null.</exception>
    public static IReadOnlyList<IPhaseGate> For(ValidatedPlan plan, GateServers servers)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(servers);
        if (ReadsTarget(plan.Plan) && servers.Target is null)
        {
            throw new ArgumentException($"The plan's gates {string.Join(", ", plan.Plan.Gates.Intersect(TargetReaders))} read the target; pass it.", nameof(servers));
        }

        // The version order is not optional: naming it in `gates:` changes nothing.
        var gates = new List<IPhaseGate> { new VersionOrderGate(plan, servers.Source) };
        foreach (var name in plan.Plan.Gates.Distinct(StringComparer.Ordinal))
        {
            switch (name)
            {
                case ReconciledGate.GateName:
                    gates.Add(new ReconciledGate(plan, servers.Target!, servers.Time));
                    break;
                case CdcLagGate.GateName:
                    gates.Add(new CdcLagGate(plan, servers.Target!, servers.Time));
                    break;
                case SecondaryErrorsGate.GateName:
                    gates.Add(new SecondaryErrorsGate(plan, servers.Control, servers.Tables, servers.Time));
                    break;
                case VersionOrderGate.GateName:
                    break;
                default:
                    throw new ArgumentException($"The plan names the gate '{name}', which does not exist; the gates are {string.Join(", ", Known)}.", nameof(plan));
            }
        }

        return gates;
    }

    /// <summary>
    /// The phase control whose forward moves pass <paramref name="plan"/>'s gates (<see cref="For"/>): what
    /// <c>dualwrite phase advance --plan</c> and the dashboard decide moves with.
    /// </summary>
    public static MySqlPhaseControl Control(ValidatedPlan plan, GateServers servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        return new MySqlPhaseControl(servers.Control, new PhaseTransitionPlanner(For(plan, servers), servers.Time), servers.Tables, servers.Time);
    }
}
