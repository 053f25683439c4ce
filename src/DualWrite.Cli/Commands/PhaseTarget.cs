using DualWrite.MySql.Control;

namespace DualWrite.Cli.Commands;

/// <summary>Where the phase commands find the control tables: a database (default DUALWRITE_MYSQL_DATABASE) and two table names.</summary>
/// <param name="Database">The control database, or null for DUALWRITE_MYSQL_DATABASE.</param>
/// <param name="PhaseTable">The current-phase table.</param>
/// <param name="AuditTable">The audit table.</param>
public sealed record PhaseTarget(
    string? Database,
    string PhaseTable = PhaseControlTables.DefaultPhaseTable,
    string AuditTable = PhaseControlTables.DefaultAuditTable);
