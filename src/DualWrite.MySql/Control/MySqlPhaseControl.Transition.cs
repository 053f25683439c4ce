using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using MySqlConnector;

namespace DualWrite.MySql.Control;

public sealed partial class MySqlPhaseControl
{
    /// <summary>
    /// Moves <paramref name="entity"/> to <paramref name="to"/> if the planner allows it (forward moves must pass
    /// every gate). The phase row is changed only if it still holds the phase and revision the decision was made
    /// on, and the audit row is written in the same transaction.
    /// </summary>
    /// <returns>The outcome: applied with the new row, or the planner's rejection (then nothing was written).</returns>
    /// <exception cref="PhaseConflictException">Another change committed after this one read the phase; nothing was written.</exception>
    /// <exception cref="PhaseControlException">The entity is not initialized, or its stored phase is not a phase.</exception>
    public Task<PhaseTransitionOutcome> TransitionAsync(
        string entity, MigrationPhase to, PhaseTransitionKind kind, string actor, string reason, CancellationToken cancellationToken) =>
        TransitionCoreAsync(entity, _ => to, kind, actor, reason, cancellationToken);

    /// <summary>Moves <paramref name="entity"/> one phase forward from wherever it is, through the gates (see <see cref="TransitionAsync"/>).</summary>
    public Task<PhaseTransitionOutcome> AdvanceAsync(string entity, string actor, string reason, CancellationToken cancellationToken) =>
        TransitionCoreAsync(entity, from => from.Next() ?? from, PhaseTransitionKind.Advance, actor, reason, cancellationToken);

    /// <summary>Moves <paramref name="entity"/> one phase back from wherever it is (see <see cref="TransitionAsync"/>).</summary>
    public Task<PhaseTransitionOutcome> StepBackAsync(string entity, string actor, string reason, CancellationToken cancellationToken) =>
        TransitionCoreAsync(entity, from => from.Previous() ?? from, PhaseTransitionKind.StepBack, actor, reason, cancellationToken);

    /// <summary>
    /// Carries out a request made against a phase the requester read earlier (the automatic-rollback policy, the
    /// sample's driver): the move is made only while the entity is still in <see cref="PhaseTransitionRequest.From"/>.
    /// </summary>
    /// <exception cref="PhaseConflictException">The entity is no longer in the request's From phase, or moved meanwhile.</exception>
    async ValueTask<PhaseTransitionResult> IPhaseTransitioner.TransitionAsync(PhaseTransitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await TransitionCoreAsync(
            request.Entity, _ => request.To, request.Kind, request.Actor, request.Reason, cancellationToken, request.From).ConfigureAwait(false);
        return outcome.Decision;
    }

    private async Task<PhaseTransitionOutcome> TransitionCoreAsync(
        string entity,
        Func<MigrationPhase, MigrationPhase> target,
        PhaseTransitionKind kind,
        string actor,
        string reason,
        CancellationToken cancellationToken,
        MigrationPhase? expectedFrom = null)
    {
        PhaseFlagSchema.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);

        // Read without a lock: gates may take long, and the compare-and-set below catches any change meanwhile.
        var current = await GetPhaseAsync(entity, cancellationToken).ConfigureAwait(false)
            ?? throw new PhaseControlException(PhaseControlError.NotInitialized, entity,
                $"Entity '{entity}' has no row in {Tables.PhaseTable}; initialize it first (it starts in {MigrationPhaseExtensions.First}).");
        var from = current.Phase ?? throw new PhaseControlException(PhaseControlError.InvalidStoredValue, entity,
            $"Entity '{entity}' holds '{current.PhaseName}' in {Tables.PhaseTable} (revision {current.Revision}, by {current.UpdatedBy}), which is not a phase ({string.Join(", ", PhaseFlagSchema.PhaseNames)}); correct the row before changing the phase.");
        if (expectedFrom is { } expected && expected != from)
        {
            LogConflict(_logger, entity, expected, current.Revision, current.PhaseName, current.Revision, actor);
            throw new PhaseConflictException(entity, expected, current.Revision, current);
        }

        var decision = await _planner.PlanAsync(new PhaseTransitionRequest(entity, from, target(from), kind, actor, reason), cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            LogRejected(_logger, entity, kind, from, decision.Request.To, decision.Rejection, actor);
            return new PhaseTransitionOutcome(decision, null, null);
        }

        var record = decision.Record;
        var at = Microseconds(record.At);
        long auditId;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // InnoDB makes a racing UPDATE wait for the winner's commit and then re-check the WHERE against
                // the committed row, so exactly one of two racers matches.
                var moved = await ExecuteAsync(connection, transaction, _sql.UpdatePhase, cancellationToken,
                    ("@to", record.To.ToString()), ("@at", at.UtcDateTime), ("@actor", actor),
                    ("@entity", entity), ("@from", from.ToString()), ("@revision", current.Revision)).ConfigureAwait(false);
                if (moved != 1)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    var now = await GetPhaseAsync(entity, cancellationToken).ConfigureAwait(false);
                    LogConflict(_logger, entity, from, current.Revision, now?.PhaseName, now?.Revision, actor);
                    throw new PhaseConflictException(entity, from, current.Revision, now);
                }

                var command = new MySqlCommand(_sql.InsertAudit, connection, transaction);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("@entity", entity);
                    command.Parameters.AddWithValue("@from", record.From.ToString());
                    command.Parameters.AddWithValue("@to", record.To.ToString());
                    command.Parameters.AddWithValue("@kind", record.Kind.ToString());
                    command.Parameters.AddWithValue("@actor", actor);
                    command.Parameters.AddWithValue("@reason", reason);
                    command.Parameters.AddWithValue("@at", at.UtcDateTime);
                    command.Parameters.AddWithValue("@gates", GateOutcomeJson.Write(record.Gates));
                    command.Parameters.AddWithValue("@revision", current.Revision + 1);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    auditId = command.LastInsertedId;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        LogApplied(_logger, entity, kind, from, record.To, current.Revision + 1, actor, reason);
        return new PhaseTransitionOutcome(decision, new PhaseState(entity, record.To.ToString(), current.Revision + 1, at, actor), auditId);
    }
}
