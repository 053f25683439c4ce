namespace DualWrite.Core.Phases;

/// <summary>What a gate is asked to judge: one entity's forward move.</summary>
/// <param name="Entity">The entity (table or aggregate) being moved.</param>
/// <param name="From">The entity's current phase.</param>
/// <param name="To">The phase it would move to.</param>
public sealed record GateContext(string Entity, MigrationPhase From, MigrationPhase To);
