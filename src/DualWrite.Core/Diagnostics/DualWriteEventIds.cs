namespace DualWrite.Core.Diagnostics;

/// <summary>
/// The event ids of every log message DualWrite.Core writes, in one place so none is used twice. Core owns
/// 1000-1499; DualWrite.Hosting owns 1500-1999, DualWrite.MySql 2000-2999 and DualWrite.PostgreSql 3000-3999.
/// </summary>
internal static class DualWriteEventIds
{
    // 1100-1199: the dual-write decorator (DualWriteStore).

    /// <summary>A secondary write failed after its retries and was left for the repair worker.</summary>
    public const int SecondaryWriteFailed = 1101;

    /// <summary>An outbox intent could not be completed after the secondary write.</summary>
    public const int OutboxIntentNotCompleted = 1102;

    /// <summary>A shadow read found a persistent difference (versions only).</summary>
    public const int ShadowReadMismatch = 1103;

    /// <summary>A shadow read found a persistent difference (with both values, when the options allow).</summary>
    public const int ShadowReadMismatchWithValues = 1104;

    /// <summary>A shadow read failed.</summary>
    public const int ShadowReadFailed = 1105;

    /// <summary>A question to the repair log on the read path ran past its bound.</summary>
    public const int RepairLookupTimedOut = 1106;

    /// <summary>A question to the repair log on the read path failed.</summary>
    public const int RepairLookupFailed = 1107;

    /// <summary>The repair log was seen with no entry toward the read store in a settled phase: reads can ride out an outage of its database.</summary>
    public const int RepairLookupReady = 1108;

    // 1300-1399: the automatic-rollback policy (AutoRollbackMonitor).

    /// <summary>An entity was stepped back one phase because an objective broke.</summary>
    public const int AutomaticRollback = 1301;

    /// <summary>An evaluation of the objectives failed.</summary>
    public const int AutoRollbackEvaluationFailed = 1302;
}
