using DualWrite.Core.Phases;
using DualWrite.Migration.Plans;
using Npgsql;

namespace DualWrite.Migration.Gates;

/// <summary>
/// A plan gate that judges the moves into a phase that reads or writes the new store (DualWriteReadOld and later) by
/// what the target's control schema holds; a move into Backfill passes, since nothing is in the new store to judge yet.
/// </summary>
public abstract class NewStoreGate : PlanGate
{
    private readonly NpgsqlDataSource _target;

    /// <summary>Creates the gate over a validated plan and its target.</summary>
    protected NewStoreGate(ValidatedPlan plan, NpgsqlDataSource target, TimeProvider? time)
        : base(plan, time)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
    }

    /// <inheritdoc />
    protected sealed override async ValueTask<GateResult> JudgeAsync(ValidatedEntity entity, GateContext context, CancellationToken cancellationToken)
    {
        if (context.To < MigrationPhase.DualWriteReadOld)
        {
            return GateResult.Pass($"{context.To} neither reads nor writes the new store");
        }

        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await JudgeAsync(entity, context, connection, Plan.Plan.Target.Schema ?? "public", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Judges a move into a phase that reads or writes the new store, over a connection to the target and its control schema.</summary>
    protected abstract ValueTask<GateResult> JudgeAsync(
        ValidatedEntity entity, GateContext context, NpgsqlConnection target, string schema, CancellationToken cancellationToken);
}
