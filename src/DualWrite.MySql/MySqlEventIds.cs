namespace DualWrite.MySql;

/// <summary>
/// The event ids of every log message DualWrite.MySql writes, in one place so none is used twice. DualWrite.MySql
/// owns 2000-2999.
/// </summary>
internal static class MySqlEventIds
{
    // 2100-2119: the phase table's configuration provider (MySqlPhaseConfigurationProvider).

    /// <summary>A poll read the phase rows and the flags changed.</summary>
    public const int PhasesRead = 2100;

    /// <summary>A poll failed; the phases read before stay in use.</summary>
    public const int PhasePollFailed = 2101;

    /// <summary>Polls keep failing.</summary>
    public const int PhasePollStillFailing = 2102;

    /// <summary>A poll succeeded after failures.</summary>
    public const int PhasePollRecovered = 2103;

    /// <summary>A phase row was not served: its entity name cannot be a flag name.</summary>
    public const int PhaseRowSkipped = 2104;

    // 2120-2139: the phase control (MySqlPhaseControl).

    /// <summary>An entity was put into OldOnly.</summary>
    public const int PhaseInitialized = 2120;

    /// <summary>A phase move was applied.</summary>
    public const int PhaseTransitionApplied = 2121;

    /// <summary>A phase move was rejected.</summary>
    public const int PhaseTransitionRejected = 2122;

    /// <summary>A phase move lost a race with another change.</summary>
    public const int PhaseTransitionConflict = 2123;

    // 2140-2159: the health reports (MySqlHealthReporter).

    /// <summary>A health report could not be written; its figures go into the next one.</summary>
    public const int HealthReportFailed = 2140;

    /// <summary>Health reports are written again after failures.</summary>
    public const int HealthReportRecovered = 2141;
}
