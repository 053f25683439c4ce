using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using MySqlConnector;

namespace DualWrite.MySql.Control;

public sealed partial class MySqlPhaseControl
{
    /// <summary>
    /// Moves <paramref name="entity"/> to <paramref name="to"/> if the planner allows it (forward moves must pass
    /// every gate). The phase row is changed only if it still holds the phase and revision the decision was made
    /// on, and the audit row is written in the same transaction. A refusal is audited too, with every gate's verdict.
    /// </summary>
    /// <returns>The outcome: applied with the new row, or the planner's rejection (then the phase is unchanged and only the refusal's audit row was written).</returns>
    /// <exception cref="PhaseConflictException">Another change committed after this one read the phase; nothing was written.</exception>
    /// <exception cref="PhaseControlException">The entity is not initialized, or its stored phase is not a phase.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is not a phase.</exception>
    public Task<PhaseTransitionOutcome> TransitionAsync(
        string entity, MigrationPhase to, PhaseTransitionKind kind, string actor, string reason, CancellationToken cancellationToken)
    {
        EnsurePhase(to, nameof(to));
        return TransitionCoreAsync(entity, _ => to, kind, actor, reason, cancellationToken);
    }

    /// <summary>Moves <paramref name="entity"/> one phase forward from wherever it is, through the gates (see <see cref="TransitionAsync"/>).</summary>
    public Task<PhaseTransitionOutcome> AdvanceAsync(string entity, string actor, string reason, CancellationToken cancellationToken) =>
        TransitionCoreAsync(entity, from => from.Next() ?? from, PhaseTransitionKind.Advance, actor, reason, cancellationToken);

    /// <summary>Moves <paramref name="entity"/> one phase back from wherever it is (see <see cref="TransitionAsync"/>).</summary>
    public Task<PhaseTransitionOutcome> StepBackAsync(string entity, string actor, string reason, CancellationToken cancellationToken) =>
        TransitionCoreAsync(entity, from => from.Previous() ?? from, PhaseTransitionKind.StepBack, actor, reason, cancellationToken);

    /// <summary>
    /// What <see cref="AdvanceAsync"/> would decide now, without moving or auditing anything: the shape rules and every
    /// gate's verdict for the next forward move, by the same planner and gates (a dashboard shows it beside the button).
    /// </summary>
    /// <exception cref="PhaseControlException">The entity is not initialized, or its stored phase is not a phase.</exception>
    public async Task<PhaseTransitionResult> PreviewAdvanceAsync(string entity, CancellationToken cancellationToken)
    {
        PhaseFlagSchema.ValidateEntity(entity);
        var current = await ReadMovableAsync(entity, cancellationToken).ConfigureAwait(false);
        var from = current.Phase!.Value;
        return await _planner.PlanAsync(
            new PhaseTransitionRequest(entity, from, from.Next() ?? from, PhaseTransitionKind.Advance, "preview", "preview") { FromSince = current.UpdatedAt },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Carries out a request made against a phase the requester read earlier (the automatic-rollback policy, the
    /// sample's driver): the move is made only while the entity is still in <see cref="PhaseTransitionRequest.From"/>.
    /// </summary>
    /// <exception cref="PhaseConflictException">The entity is no longer in the request's From phase, or moved meanwhile.</exception>
    async ValueTask<PhaseTransitionResult> IPhaseTransitioner.TransitionAsync(PhaseTransitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsurePhase(request.To, nameof(request));
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
        var current = await ReadMovableAsync(entity, cancellationToken).ConfigureAwait(false);
        var from = current.Phase!.Value;
        if (expectedFrom is { } expected && expected != from)
        {
            LogConflict(_logger, entity, expected, current.Revision, current.PhaseName, current.Revision, actor);
            throw new PhaseConflictException(entity, expected, current.Revision, current);
        }

        var to = target(from);
        var decision = await _planner.PlanAsync(new PhaseTransitionRequest(entity, from, to, kind, actor, reason) { FromSince = current.UpdatedAt }, cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await EnsureAuditOutcomeAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                var refusal = await InsertAuditAsync(
                    connection, null, entity, from, to, kind.ToString(), actor, reason, Microseconds(_timeProvider.GetUtcNow()), decision.Gates, current.Revision,
                    decision.Rejection.ToString(), cancellationToken).ConfigureAwait(false);
                LogRejected(_logger, entity, kind, from, to, decision.Rejection, actor, refusal);
                return new PhaseTransitionOutcome(decision, null, refusal);
            }

            return await ApplyAsync(connection, decision.Record, current.Revision, cancellationToken).ConfigureAwait(false) is { } applied
                ? new PhaseTransitionOutcome(decision, applied.State, applied.AuditId)
                : throw await ConflictAsync(entity, from, current.Revision, actor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records in the audit table an action on <paramref name="entity"/> that does not move its phase (a reconciliation
    /// started from the dashboard, <see cref="ReconcileKind"/>), with who and why; the row's from and to phase are the current one.
    /// </summary>
    /// <returns>The audit row's id.</returns>
    /// <exception cref="PhaseControlException">The entity is not initialized, or its stored phase is not a phase.</exception>
    public async Task<long> RecordActionAsync(string entity, string action, string actor, string reason, CancellationToken cancellationToken)
    {
        PhaseFlagSchema.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var current = await ReadMovableAsync(entity, cancellationToken).ConfigureAwait(false);
        var phase = current.Phase!.Value;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await EnsureAuditOutcomeAsync(connection, cancellationToken).ConfigureAwait(false);
            return await InsertAuditAsync(
                connection, null, entity, phase, phase, action, actor, reason, Microseconds(_timeProvider.GetUtcNow()), [], current.Revision, AppliedOutcome,
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The entity's row, which must exist and hold a phase.</summary>
    private async Task<PhaseState> ReadMovableAsync(string entity, CancellationToken cancellationToken)
    {
        var current = await GetPhaseAsync(entity, cancellationToken).ConfigureAwait(false)
            ?? throw new PhaseControlException(PhaseControlError.NotInitialized, entity,
                $"Entity '{entity}' has no row in {Tables.PhaseTable}; initialize it first (it starts in {MigrationPhaseExtensions.First}).");
        return current.Phase is null
            ? throw new PhaseControlException(PhaseControlError.InvalidStoredValue, entity,
                $"Entity '{entity}' holds '{current.PhaseName}' in {Tables.PhaseTable} (revision {current.Revision}, by {current.UpdatedBy}), which is not a phase ({string.Join(", ", PhaseFlagSchema.PhaseNames)}); correct the row before changing the phase.")
            : current;
    }

    /// <summary>The compare-and-set of the phase row and its audit row, in one transaction; null when the row no longer holds what the decision was made on.</summary>
    private async Task<(PhaseState State, long AuditId)?> ApplyAsync(MySqlConnection connection, PhaseTransitionRecord record, long revision, CancellationToken cancellationToken)
    {
        var entity = record.Entity;
        var actor = record.Actor;
        var from = record.From;
        var at = Microseconds(record.At);
        long auditId;
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // InnoDB makes a racing UPDATE wait for the winner's commit and then re-check the WHERE against
            // the committed row, so exactly one of two racers matches.
            var moved = await ExecuteAsync(connection, transaction, _sql.UpdatePhase, cancellationToken,
                ("@to", record.To.ToString()), ("@at", at.UtcDateTime), ("@actor", actor),
                ("@entity", entity), ("@from", from.ToString()), ("@revision", revision)).ConfigureAwait(false);
            if (moved != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            auditId = await InsertAuditAsync(
                connection, transaction, entity, from, record.To, record.Kind.ToString(), actor, record.Reason, at, record.Gates, revision + 1, AppliedOutcome, cancellationToken)
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        LogApplied(_logger, entity, record.Kind, from, record.To, revision + 1, actor, record.Reason);
        return (new PhaseState(entity, record.To.ToString(), revision + 1, at, actor), auditId);
    }

    /// <summary>A phase to go to must be a named one: a request for another value is refused before anything is read or written.</summary>
    private static void EnsurePhase(MigrationPhase to, string parameter)
    {
        if (!to.IsDefined())
        {
            throw new ArgumentOutOfRangeException(parameter, to, $"Not a phase; the phases are {string.Join(", ", PhaseFlagSchema.PhaseNames)}.");
        }
    }

    private async Task<PhaseConflictException> ConflictAsync(string entity, MigrationPhase from, long revision, string actor, CancellationToken cancellationToken)
    {
        var now = await GetPhaseAsync(entity, cancellationToken).ConfigureAwait(false);
        LogConflict(_logger, entity, from, revision, now?.PhaseName, now?.Revision, actor);
        return new PhaseConflictException(entity, from, revision, now);
    }

    private async Task<long> InsertAuditAsync(
        MySqlConnection connection,
        MySqlTransaction? transaction,
        string entity,
        MigrationPhase from,
        MigrationPhase to,
        string kind,
        string actor,
        string reason,
        DateTimeOffset at,
        IReadOnlyList<GateOutcome> gates,
        long revision,
        string outcome,
        CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(_sql.InsertAudit, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@entity", entity);
            command.Parameters.AddWithValue("@from", from.ToString());
            command.Parameters.AddWithValue("@to", to.ToString());
            command.Parameters.AddWithValue("@kind", kind);
            command.Parameters.AddWithValue("@actor", actor);
            command.Parameters.AddWithValue("@reason", reason);
            command.Parameters.AddWithValue("@at", at.UtcDateTime);
            command.Parameters.AddWithValue("@gates", GateOutcomeJson.Write(gates));
            command.Parameters.AddWithValue("@revision", revision);
            command.Parameters.AddWithValue("@outcome", outcome);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return command.LastInsertedId;
        }
    }
}
