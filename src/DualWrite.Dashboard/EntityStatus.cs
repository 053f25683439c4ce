namespace DualWrite.Dashboard;

/// <summary>An entity as the dashboard and its JSON API show it (<c>GET api/entities/{name}</c>).</summary>
public sealed record EntityStatus
{
    /// <summary>The entity's name in the plan.</summary>
    public required string Entity { get; init; }

    /// <summary>Its tables, "source → target".</summary>
    public required string Tables { get; init; }

    /// <summary>The stored phase name; null when the entity has no phase row yet.</summary>
    public string? Phase { get; init; }

    /// <summary>The phase row's revision (bumped by every change).</summary>
    public long Revision { get; init; }

    /// <summary>When the phase last changed (UTC).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Who changed it last.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>The last applied change (who, when, why).</summary>
    public AuditView? LastMove { get; init; }

    /// <summary>The phase an advance would move to; null in the last phase.</summary>
    public string? Next { get; init; }

    /// <summary>The earlier phases a rollback may go to.</summary>
    public IReadOnlyList<string> Earlier { get; init; } = [];

    /// <summary>Every gate's verdict on the next forward move, evaluated now (detail only).</summary>
    public IReadOnlyList<GateView>? Gates { get; init; }

    /// <summary>Whether an advance would be allowed now, and if not, why (detail only).</summary>
    public string? AdvanceRefusal { get; init; }

    /// <summary>The catch-up's last published lag in milliseconds, null when none was published.</summary>
    public long? CdcLagMs { get; init; }

    /// <summary>When the catch-up measured it.</summary>
    public DateTimeOffset? CdcLagMeasuredAt { get; init; }

    /// <summary>The last finished reconciliation (detail only).</summary>
    public ReconcileView? LastReconcile { get; init; }

    /// <summary>A reconciliation started from the dashboard, running or finished since the dashboard started.</summary>
    public ReconcileJobView? ReconcileJob { get; init; }

    /// <summary>The repair logs' depth (detail only).</summary>
    public IReadOnlyList<RepairLogDepth>? RepairLogs { get; init; }

    /// <summary>The audit trail, newest first (detail only).</summary>
    public IReadOnlyList<AuditView>? History { get; init; }

    /// <summary>Why the entity cannot be read (e.g. not initialized, the control tables missing).</summary>
    public string? Problem { get; init; }
}

/// <summary>A gate's verdict.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Reason">Why.</param>
public sealed record GateView(string Gate, bool Passed, string Reason);

/// <summary>An audit row.</summary>
public sealed record AuditView(long Id, DateTimeOffset At, string Kind, string? From, string To, string Outcome, string Actor, string Reason, IReadOnlyList<GateView> Gates);

/// <summary>The summary of a finished reconciliation.</summary>
public sealed record ReconcileView(long RunId, DateTimeOffset FinishedAt, bool Clean, long Differences, string? VerifiedAs, IReadOnlyList<FigureView> Figures);

/// <summary>One labelled figure of a reconciliation report, worded as the CLI and the HTML report word it.</summary>
public sealed record FigureView(string Label, string Value);

/// <summary>A reconciliation started from the dashboard.</summary>
public sealed record ReconcileJobView(string State, string StartedBy, DateTimeOffset StartedAt, long Rows, long Chunks, long Differences, string? Result);
