using DualWrite.MySql.Control;

namespace DualWrite.Cli.Commands;

/// <summary>Where the phase commands find the control tables: a database (default DUALWRITE_MYSQL_DATABASE) and the table names.</summary>
/// <param name="Database">The control database, or null for DUALWRITE_MYSQL_DATABASE.</param>
/// <param name="PhaseTable">The current-phase table.</param>
/// <param name="AuditTable">The audit table.</param>
public sealed record PhaseTarget(
    string? Database,
    string PhaseTable = PhaseControlTables.DefaultPhaseTable,
    string AuditTable = PhaseControlTables.DefaultAuditTable)
{
    /// <summary>The table application instances report their decorators' figures into.</summary>
    public string HealthTable { get; init; } = PhaseControlTables.DefaultHealthTable;

    /// <summary>The table names.</summary>
    /// <exception cref="ArgumentException">A name is invalid, or two are the same.</exception>
    public PhaseControlTables Tables => new(PhaseTable, AuditTable, HealthTable);
}
