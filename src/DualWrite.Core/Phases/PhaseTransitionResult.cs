using System.Diagnostics.CodeAnalysis;

namespace DualWrite.Core.Phases;

/// <summary>The planner's decision on a <see cref="PhaseTransitionRequest"/>.</summary>
public sealed class PhaseTransitionResult
{
    internal PhaseTransitionResult(
        PhaseTransitionRequest request,
        PhaseTransitionRejection rejection,
        IReadOnlyList<GateOutcome> gates,
        PhaseTransitionRecord? record)
    {
        Request = request;
        Rejection = rejection;
        Gates = gates;
        Record = record;
    }

    /// <summary>The request decided on.</summary>
    public PhaseTransitionRequest Request { get; }

    /// <summary>Why the move was refused, or <see cref="PhaseTransitionRejection.None"/> if it is allowed.</summary>
    public PhaseTransitionRejection Rejection { get; }

    /// <summary>Whether the move is allowed; then <see cref="Record"/> holds the audit entry to persist with the phase change.</summary>
    [MemberNotNullWhen(true, nameof(Record))]
    public bool Allowed => Rejection == PhaseTransitionRejection.None;

    /// <summary>Every gate's verdict, in registration order; empty when no gates ran.</summary>
    public IReadOnlyList<GateOutcome> Gates { get; }

    /// <summary>The gates that did not pass.</summary>
    public IEnumerable<GateOutcome> FailedGates => Gates.Where(g => !g.Result.Passed);

    /// <summary>The audit entry when <see cref="Allowed"/>; otherwise <see langword="null"/>.</summary>
    public PhaseTransitionRecord? Record { get; }

    /// <summary>Why the move was refused, in words (the CLI and the dashboard say it alike); null when it is allowed.</summary>
    public string? RefusalReason
    {
        get
        {
            var failed = FailedGates.Select(g => g.GateName).ToList();
            return Rejection switch
            {
                PhaseTransitionRejection.None => null,
                PhaseTransitionRejection.GatesFailed => $"{(failed.Count == 1 ? "gate" : "gates")} {string.Join(", ", failed)} did not pass",
                PhaseTransitionRejection.NoChange when Request.Kind == PhaseTransitionKind.Advance => $"{Request.From} is the last phase",
                PhaseTransitionRejection.NoChange when Request.Kind == PhaseTransitionKind.StepBack => $"{Request.From} is the first phase",
                PhaseTransitionRejection.NoChange => $"the entity is already in {Request.To}",
                PhaseTransitionRejection.WrongDirection => $"{Request.Kind} cannot go from {Request.From} to {Request.To}",
                PhaseTransitionRejection.SkipsPhases => $"{Request.Kind} moves one phase at a time",
                _ => Rejection.ToString(),
            };
        }
    }
}
