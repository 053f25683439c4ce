namespace DualWrite.MySql.Control;

/// <summary>The part of a phase row the configuration provider serves and compares between polls.</summary>
internal readonly record struct PhaseRow(string Entity, string Phase, long Revision);
