using DualWrite.Core.Reconciliation;
using DualWrite.Core.Stores;
using DualWrite.Migration.Engine;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// Repairs a plan pair's persistent differences through the target table's one writer
/// (<see cref="DualWrite.PostgreSql.Tables.VersionedTable.WriteAsync"/>, the guarded write): each key's source row is
/// read again in one consistent snapshot and written as the copy writes it, at its version (the version column's value,
/// or one past the snapshot position's binlog version); a key the source lacks is tombstoned (at that binlog version,
/// or one past the target's version with a version column, as the catch-up versions a delete). The guard never lets a
/// repair overwrite a newer version: such a key is reported <see cref="RepairKind.SkippedNewer"/> with the version that
/// stopped it. Every repair, a dry run's included, is recorded in the run's repairs table; a write commits together with
/// its record.
/// </summary>
internal sealed class PlanRepairer(
    TableSpec table,
    IReadOnlyList<KeyColumn> keys,
    SourceRows source,
    TargetRows target,
    NpgsqlDataSource targetData,
    PlanCheckpoints checkpoints) : IReconcileRepairer
{
    private readonly int[] _valueColumns = [.. Enumerable.Range(0, table.Columns.Count).Where(i => !table.KeyColumns.Contains(i))];

    /// <inheritdoc />
    public async Task<IReadOnlyList<RepairAction>> RepairAsync(IReadOnlyList<RowDifference> differences, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var keysToRepair = differences.Select(d => d.Key).Distinct().ToList();
        if (keysToRepair.Count == 0)
        {
            return [];
        }

        var (at, rows) = await source.ReadWrittenAsync(keysToRepair, cancellationToken).ConfigureAwait(false);
        var current = rows.ToDictionary(r => r.Key);
        // One past the snapshot's position: newer than anything the target may hold for what the source held there (a
        // row copied or changed at that very position included, which the guard would not overwrite at the same
        // version), and older than any change committed after it, which ends further on in the binlog.
        var snapshotVersion = BinlogVersion.Of(at) + 1;
        var actions = new List<RepairAction>();
        var connection = await targetData.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var stored = await target.StoredVersionsAsync(connection, keysToRepair, cancellationToken).ConfigureAwait(false);
            var unapplied = new List<RepairAction>();
            foreach (var key in keysToRepair)
            {
                var had = stored.TryGetValue(key, out var s) ? s : (long?)null;
                var (kind, keyValues, values, version) = current.TryGetValue(key, out var row)
                    ? (RepairKind.Write, table.KeyColumns.Select(i => row.Values[i]).ToArray(), _valueColumns.Select(i => row.Values[i]).ToArray(), row.Version ?? snapshotVersion)
                    : (RepairKind.Tombstone, keys.Select((k, i) => (object?)k.TargetValue(key.Values[i]!)).ToArray(), (object?[]?)null, table.Version is null ? snapshotVersion : (had ?? 0) + 1);
                if (had >= version)
                {
                    unapplied.Add(new RepairAction(key, RepairKind.SkippedNewer, had.Value, Applied: false));
                    continue;
                }

                if (dryRun)
                {
                    unapplied.Add(new RepairAction(key, kind, version, Applied: false));
                    continue;
                }

                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await table.Target.WriteAsync(connection, keyValues, values, version, cancellationToken).ConfigureAwait(false);
                    if (result != WriteResult.Applied)
                    {
                        // A write landed since the versions were read; report the one that stopped the repair.
                        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        var newer = await target.StoredVersionsAsync(connection, [key], cancellationToken).ConfigureAwait(false);
                        unapplied.Add(new RepairAction(key, RepairKind.SkippedNewer, newer.TryGetValue(key, out var n) ? n : version, Applied: false));
                        continue;
                    }

                    var action = new RepairAction(key, kind, version, Applied: true);
                    await checkpoints.RecordRepairsAsync(connection, [action], cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    actions.Add(action);
                }
            }

            await checkpoints.RecordRepairsAsync(connection, unapplied, cancellationToken).ConfigureAwait(false);
            actions.AddRange(unapplied);
        }

        return actions;
    }
}
