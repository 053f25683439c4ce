namespace DualWrite.Core.Reconciliation;

/// <summary>
/// Two keyed row streams to reconcile: a migration plan's MySQL table and its PostgreSQL table, or any two versioned
/// stores. The engine (<see cref="Reconciler"/>) knows nothing else about them.
/// </summary>
public interface IReconcilePair
{
    /// <summary>The entity's name (its plan entity, or the decorator's entity).</summary>
    string Entity { get; }

    /// <summary>How reports show the pair, e.g. <c>sbtest.sbtest1 → public.sbtest1</c>.</summary>
    string Display { get; }

    /// <summary>The compared columns' names, in <see cref="ReconcileRow.Values"/> order (the target's names).</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Whether the source's rows carry versions that must equal the target's (versioned stores, a source table with a
    /// version column); when false, versions only order a re-check, and only values are compared.
    /// </summary>
    bool VersionsCompared { get; }

    /// <summary>The order both sides stream keys in.</summary>
    IComparer<RowKey> KeyOrder { get; }

    /// <summary>The old store (authoritative for the comparison).</summary>
    IRowSource Source { get; }

    /// <summary>The new store.</summary>
    IRowSource Target { get; }

    /// <summary>The feed that carries the source's changes to the target.</summary>
    IChangeFeed Feed { get; }

    /// <summary>Repairs the target, or null when the pair cannot.</summary>
    IReconcileRepairer? Repairer { get; }

    /// <summary>A fingerprint of both sides' shapes (columns and types), so a report is known stale after a schema change.</summary>
    string SchemaFingerprint { get; }

    /// <summary>The key ranges, the same from run to run for the same data shape.</summary>
    Task<IReadOnlyList<ReconcileRange>> SplitAsync(CancellationToken cancellationToken);
}
