using System.Security.Claims;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Control;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Dashboard;

/// <summary>What the dashboard shows and moves: one migration plan, its servers and the phase control tables.</summary>
public sealed class DualWriteDashboardOptions
{
    /// <summary>The plan, validated against its source; its entities are the dashboard's, its gates judge every advance.</summary>
    public ValidatedPlan? Plan { get; set; }

    /// <summary>The plan's source (the reconciler opens its own connections from it). Never shown.</summary>
    public string? SourceConnectionString { get; set; }

    /// <summary>The plan's PostgreSQL target.</summary>
    public NpgsqlDataSource? Target { get; set; }

    /// <summary>The database of the phase control tables.</summary>
    public MySqlDataSource? Control { get; set; }

    /// <summary>The phase control table names.</summary>
    public PhaseControlTables Tables { get; set; } = new();

    /// <summary>
    /// The authorization policy every dashboard endpoint requires (mounted in an application: a policy the host defines);
    /// null for the default policy (an authenticated user).
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Whether a signed-in user may change phases and start reconciliations; default: in role <see cref="DashboardRoles.Operator"/>.</summary>
    public Func<ClaimsPrincipal, bool> IsOperator { get; set; } = user => user.IsInRole(DashboardRoles.Operator);

    /// <summary>Counts an entity's pending repair-log entries (the log's depth) per store the log feeds; null when the dashboard has no repair log to read.</summary>
    public Func<string, CancellationToken, Task<IReadOnlyList<RepairLogDepth>>>? RepairLogDepth { get; set; }

    /// <summary>Where the page's "sign out" button posts (standalone: <c>/logout</c>); no button when null (mounted: the host signs users out).</summary>
    public string? SignOutPath { get; set; }

    /// <summary>The dashboard's clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    internal ValidatedPlan RequiredPlan => Plan ?? throw new InvalidOperationException("DualWriteDashboardOptions.Plan is not set.");
}

/// <summary>One repair log's pending entries for an entity.</summary>
/// <param name="Log">Which log (e.g. "MySQL dualwrite_repair_log").</param>
/// <param name="Pending">Its pending entries, or null when the log cannot be read (the reason in <paramref name="Note"/>).</param>
/// <param name="Note">Why there is no figure.</param>
public sealed record RepairLogDepth(string Log, long? Pending, string? Note = null);
