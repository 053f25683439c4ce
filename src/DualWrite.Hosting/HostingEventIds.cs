namespace DualWrite.Hosting;

/// <summary>
/// The event ids of every log message DualWrite.Hosting writes, in one place so none is used twice. Hosting owns
/// 1500-1999, next to DualWrite.Core's 1000-1499.
/// </summary>
internal static class HostingEventIds
{
    // 1500-1519: the feature-flag phase source (FeatureFlagPhaseSource).

    /// <summary>An entity's flag now assigns another phase.</summary>
    public const int PhaseChanged = 1500;

    /// <summary>An entity's flag turned invalid; its last good phase stays in use.</summary>
    public const int PhaseFlagInvalidKeepingLastGoodPhase = 1501;

    /// <summary>An entity's flag gives no phase and none was ever read; its calls fail.</summary>
    public const int PhaseUnavailable = 1502;

    /// <summary>An entity's flag is valid again.</summary>
    public const int PhaseFlagRecovered = 1503;

    /// <summary>A background refresh of the flags failed.</summary>
    public const int PhaseFlagRefreshFailed = 1504;

    // 1600-1619: the background service (DualWriteBackgroundService).

    /// <summary>A repair pass over one entity's repair log failed.</summary>
    public const int RepairPassFailed = 1601;
}
