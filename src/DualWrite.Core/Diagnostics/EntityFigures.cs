using DualWrite.Core.Phases;

namespace DualWrite.Core.Diagnostics;

/// <summary>One entity's decorator figures since its metrics were created (<see cref="DualWriteMetrics.ReadFigures"/>).</summary>
/// <param name="Entity">The entity.</param>
/// <param name="Phase">Its current phase, when the phase source could tell.</param>
/// <param name="SecondaryWrites">Writes the decorator made to the secondary store, after the pipeline's retries.</param>
/// <param name="SecondaryErrors">Those that failed and went to the repair log.</param>
/// <param name="ShadowReads">Shadow reads that were compared (timeouts and errors compare nothing and are not counted).</param>
/// <param name="ShadowMismatches">Those whose records still differed when read again.</param>
public readonly record struct EntityFigures(
    string Entity,
    MigrationPhase? Phase,
    long SecondaryWrites,
    long SecondaryErrors,
    long ShadowReads,
    long ShadowMismatches);
