namespace DualWrite.Core.Phases;

/// <summary>
/// Carries out phase changes: plans them (gates for forward moves), then stores the new phase and its audit
/// record together. Operators' commands and the automatic-rollback policy both go through it, so every move is audited.
/// </summary>
public interface IPhaseTransitioner
{
    /// <summary>Plans <paramref name="request"/> and, when allowed, applies and audits it.</summary>
    /// <returns>The decision; <see cref="PhaseTransitionResult.Record"/> is set when the move was made.</returns>
    ValueTask<PhaseTransitionResult> TransitionAsync(PhaseTransitionRequest request, CancellationToken cancellationToken);
}
