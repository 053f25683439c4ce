namespace DualWrite.Core.Reconciliation;

/// <summary>
/// One part of an entity's key space, compared as one stream on each side; the ranges of a pair tile its key space
/// and several are compared at once. Their numbers and bounds must be the same from run to run, since a resumed run
/// finds its finished chunks by them.
/// </summary>
/// <param name="Number">The range's number, from 0.</param>
/// <param name="Description">How a report shows it, e.g. <c>id in [1000, 2000)</c>.</param>
/// <param name="Bounds">What the pair's sides need to read the range (opaque to the engine).</param>
public sealed record ReconcileRange(int Number, string Description, object? Bounds);
