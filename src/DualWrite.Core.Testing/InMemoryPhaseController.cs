using DualWrite.Core.Phases;
using DualWrite.Core.Routing;

namespace DualWrite.Core.Testing;

/// <summary>
/// An <see cref="IPhaseTransitioner"/> over an <see cref="InMemoryPhaseSource"/>, keeping the audit trail in memory:
/// for tests, the sample application and local development. The durable one is the MySQL control table.
/// </summary>
public sealed class InMemoryPhaseController : IPhaseTransitioner
{
    private readonly Lock _gate = new();
    private readonly List<PhaseTransitionRecord> _audit = [];
    private readonly PhaseTransitionPlanner _planner;

    /// <summary>Creates a controller that plans with <paramref name="planner"/> and flips <paramref name="phases"/>.</summary>
    public InMemoryPhaseController(InMemoryPhaseSource phases, PhaseTransitionPlanner planner)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(planner);
        Phases = phases;
        _planner = planner;
    }

    /// <summary>The phase source the controller flips.</summary>
    public InMemoryPhaseSource Phases { get; }

    /// <summary>Every move made, oldest first.</summary>
    public IReadOnlyList<PhaseTransitionRecord> Audit
    {
        get
        {
            lock (_gate)
            {
                return [.. _audit];
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The entity is no longer in the request's <see cref="PhaseTransitionRequest.From"/> phase.</exception>
    public async ValueTask<PhaseTransitionResult> TransitionAsync(PhaseTransitionRequest request, CancellationToken cancellationToken)
    {
        var result = await _planner.PlanAsync(request, cancellationToken).ConfigureAwait(false);
        if (!result.Allowed)
        {
            return result;
        }

        lock (_gate)
        {
            // The same compare-and-set a durable controller does: a move planned from a stale phase must not land.
            var current = Phases.GetPhase(request.Entity);
            if (current != request.From)
            {
                throw new InvalidOperationException($"Entity '{request.Entity}' is in {current}, not {request.From}; the move to {request.To} was not made.");
            }

            Phases.SetPhase(request.Entity, request.To);
            _audit.Add(result.Record);
        }

        return result;
    }
}
