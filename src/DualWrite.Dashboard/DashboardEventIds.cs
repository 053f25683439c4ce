namespace DualWrite.Dashboard;

/// <summary>The dashboard's log event ids, one registry for the assembly.</summary>
internal static class DashboardEventIds
{
    public const int PhaseChanged = 9001;
    public const int PhaseRefused = 9002;
    public const int ReconcileStarted = 9003;
    public const int ReconcileFinished = 9004;
    public const int ReconcileFailed = 9005;
    public const int LoginRefused = 9006;
    public const int SignedIn = 9007;
}
