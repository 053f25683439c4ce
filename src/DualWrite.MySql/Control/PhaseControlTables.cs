namespace DualWrite.MySql.Control;

/// <summary>
/// The names of the phase control tables, in the connection's database. Configurable so that several
/// migrations (or parallel test runs) can share one database without sharing state.
/// </summary>
public sealed class PhaseControlTables
{
    /// <summary>The default name of the current-phase table.</summary>
    public const string DefaultPhaseTable = "dualwrite_phase";

    /// <summary>The default name of the audit table.</summary>
    public const string DefaultAuditTable = "dualwrite_phase_audit";

    /// <summary>The default name of the health report table.</summary>
    public const string DefaultHealthTable = "dualwrite_health";

    /// <summary>Creates the table names, validating them.</summary>
    /// <exception cref="ArgumentException">A name is blank or longer than the 64 characters MySQL allows, or two names are the same.</exception>
    public PhaseControlTables(string phaseTable = DefaultPhaseTable, string auditTable = DefaultAuditTable, string healthTable = DefaultHealthTable)
    {
        PhaseTable = Validate(phaseTable, nameof(phaseTable));
        AuditTable = Validate(auditTable, nameof(auditTable));
        HealthTable = Validate(healthTable, nameof(healthTable));
        if (string.Equals(PhaseTable, AuditTable, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The phase and audit tables must differ; both are '{PhaseTable}'.", nameof(auditTable));
        }

        if (string.Equals(HealthTable, PhaseTable, StringComparison.OrdinalIgnoreCase) || string.Equals(HealthTable, AuditTable, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The health table must differ from the phase and audit tables; it is '{HealthTable}'.", nameof(healthTable));
        }
    }

    /// <summary>The table holding one row per entity: its current phase and revision.</summary>
    public string PhaseTable { get; }

    /// <summary>The append-only table holding one row per phase change and per refused request.</summary>
    public string AuditTable { get; }

    /// <summary>The table application instances report their decorators' figures into (see <c>UseMySqlHealthReports</c>).</summary>
    public string HealthTable { get; }

    /// <inheritdoc />
    public override string ToString() => $"{PhaseTable}, {AuditTable}, {HealthTable}";

    private static string Validate(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameterName);
        if (name.Length > 64)
        {
            throw new ArgumentException($"The table name '{name}' is longer than 64 characters.", parameterName);
        }

        return name;
    }
}
