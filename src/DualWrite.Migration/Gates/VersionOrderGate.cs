using DualWrite.Migration.Plans;
using DualWrite.Core.Phases;
using DualWrite.MySql.Stores;
using MySqlConnector;

namespace DualWrite.Migration.Gates;

/// <summary>
/// Refuses a move into a phase that writes both stores unless the entity has the one version order the change feed
/// and the application share: the plan names the source's version column (<c>version:</c>), and the source table has
/// the column, its tombstone table and the triggers that stamp every write made without the application
/// (<see cref="MySqlVersioning"/>). Without it the catch-up's versions are binlog positions, which cannot be compared
/// with the application's, and one side's changes would be ignored by the other's.
/// </summary>
public sealed class VersionOrderGate : PlanGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "version-order";

    private readonly MySqlDataSource _source;

    /// <summary>Creates the gate over a validated plan and its source.</summary>
    public VersionOrderGate(ValidatedPlan plan, MySqlDataSource source)
        : base(plan, null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <inheritdoc />
    public override string Name => GateName;

    /// <inheritdoc />
    protected override async ValueTask<GateResult> JudgeAsync(ValidatedEntity entity, GateContext context, CancellationToken cancellationToken)
    {
        if (context.To < MigrationPhase.DualWriteReadOld)
        {
            return GateResult.Pass($"{context.To} writes the old store only");
        }

        var file = entity.Plan.Location.ToString();
        if (entity.VersionColumn is null)
        {
            return GateResult.Fail(
                $"entity '{entity.Plan.Name}' ({file}) has no `version:`, so its change feed is versioned by binlog positions, which cannot be compared with the " +
                $"application's versions. Give the table the store's version column and triggers (MySqlVersionedStore.EnsureSchemaAsync), add " +
                $"`version: {MySqlVersioning.DefaultVersionColumn}` to the entity, and re-snapshot (`dualwrite backfill run --plan {Plan.Plan.File} --resnapshot`)");
        }

        var versionColumn = entity.Columns[entity.VersionColumn.Value].Source.Name;
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var keys = entity.KeyColumns.Select(k => entity.Columns[k].Source.Name).ToList();
            var problems = await MySqlVersioning.ProblemsAsync(connection, entity.Source.Database, entity.Source.Name, keys, versionColumn, cancellationToken).ConfigureAwait(false);
            if (problems.Count > 0)
            {
                return GateResult.Fail(
                    $"entity '{entity.Plan.Name}' ({file}): {string.Join("; ", problems)}. Run the application's MySqlVersionedStore.EnsureSchemaAsync " +
                    "on the table (docs/mysql-store.md) so that every write, the application's and any other, carries a version");
            }
        }

        return GateResult.Pass($"{entity.Source}.{versionColumn} is stamped on every write");
    }
}
