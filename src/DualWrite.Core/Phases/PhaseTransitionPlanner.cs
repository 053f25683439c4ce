namespace DualWrite.Core.Phases;

/// <summary>
/// Decides phase changes: checks the shape rules, runs every gate for a forward move, and produces the
/// audit record. It does not store the phase; the caller persists the record and the new phase together.
/// </summary>
public sealed class PhaseTransitionPlanner
{
    private readonly IPhaseGate[] _gates;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a planner that holds forward moves to <paramref name="gates"/> and stamps records from <paramref name="timeProvider"/>.</summary>
    /// <exception cref="ArgumentException">A gate is null, has a blank name, or shares its name with another gate.</exception>
    public PhaseTransitionPlanner(IEnumerable<IPhaseGate> gates, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _gates = [.. gates];
        _timeProvider = timeProvider;

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gate in _gates)
        {
            if (gate is null || string.IsNullOrWhiteSpace(gate.Name) || !names.Add(gate.Name))
            {
                throw new ArgumentException($"Every gate needs a distinct, non-blank name; '{gate?.Name}' is not.", nameof(gates));
            }
        }
    }

    /// <summary>The gates every forward move must pass, in evaluation order.</summary>
    public IReadOnlyList<IPhaseGate> Gates => _gates;

    /// <summary>
    /// Decides <paramref name="request"/>. Forward moves evaluate every gate (not stopping at the first
    /// failure, so the operator sees everything that blocks the move); backward moves run no gates.
    /// A gate that throws counts as failed.
    /// </summary>
    /// <exception cref="ArgumentException">The request's entity, actor or reason is blank.</exception>
    public async ValueTask<PhaseTransitionResult> PlanAsync(PhaseTransitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Entity, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Actor, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Reason, nameof(request));

        var rejection = PhaseTransitionRules.Check(request.From, request.To, request.Kind);
        if (rejection != PhaseTransitionRejection.None)
        {
            return new PhaseTransitionResult(request, rejection, [], null);
        }

        IReadOnlyList<GateOutcome> outcomes = [];
        if (request.Kind == PhaseTransitionKind.Advance)
        {
            outcomes = await EvaluateGatesAsync(new GateContext(request.Entity, request.From, request.To) { FromSince = request.FromSince }, cancellationToken).ConfigureAwait(false);
            if (outcomes.Any(o => !o.Result.Passed))
            {
                return new PhaseTransitionResult(request, PhaseTransitionRejection.GatesFailed, outcomes, null);
            }
        }

        var record = new PhaseTransitionRecord(
            request.Entity, request.From, request.To, request.Kind, request.Actor, request.Reason, _timeProvider.GetUtcNow(), outcomes);
        return new PhaseTransitionResult(request, PhaseTransitionRejection.None, outcomes, record);
    }

    private async ValueTask<GateOutcome[]> EvaluateGatesAsync(GateContext context, CancellationToken cancellationToken)
    {
        var outcomes = new GateOutcome[_gates.Length];
        for (var i = 0; i < _gates.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GateResult result;
            try
            {
                result = await _gates[i].EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A gate that cannot decide must block the move, not crash the operator's command.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result = GateResult.Fail($"gate threw {ex.GetType().Name}: {ex.Message}");
            }

            outcomes[i] = new GateOutcome(_gates[i].Name, result);
        }

        return outcomes;
    }
}
