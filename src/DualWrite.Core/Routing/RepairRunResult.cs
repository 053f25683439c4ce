namespace DualWrite.Core.Routing;

/// <summary>What one <see cref="RepairWorker{TKey, TValue}.RunOnceAsync"/> pass did.</summary>
/// <param name="Repaired">Entries whose target now provably holds their version; they are completed.</param>
/// <param name="StillFailing">Entries that could not be repaired this time; they stay pending.</param>
public readonly record struct RepairRunResult(int Repaired, int StillFailing);
