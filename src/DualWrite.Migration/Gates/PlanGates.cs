using DualWrite.Migration.Plans;
using DualWrite.Core.Phases;
using MySqlConnector;

namespace DualWrite.Migration.Gates;

/// <summary>
/// The gates a plan's forward phase moves pass: the ones every plan has (<see cref="VersionOrderGate"/>), then those
/// its <c>gates:</c> list names. A name no gate answers to is a plan problem (<see cref="Unknown"/>), so a typo never
/// leaves a move ungated.
/// </summary>
public static class PlanGates
{
    /// <summary>Names a plan's <c>gates:</c> list may hold.</summary>
    public static IReadOnlyList<string> Known { get; } = [VersionOrderGate.GateName];

    /// <summary>The names in <paramref name="gates"/> that no gate answers to.</summary>
    public static IEnumerable<string> Unknown(IEnumerable<string> gates) =>
        gates.Where(g => !Known.Contains(g, StringComparer.Ordinal));

    /// <summary>The gates of <paramref name="plan"/>, reading the source through <paramref name="source"/>.</summary>
    public static IReadOnlyList<IPhaseGate> For(ValidatedPlan plan, MySqlDataSource source)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        // The version order is not optional: naming it in `gates:` changes nothing.
        return [new VersionOrderGate(plan, source)];
    }
}
