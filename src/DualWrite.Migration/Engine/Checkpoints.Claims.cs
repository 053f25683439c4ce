using System.Globalization;
using DualWrite.MySql.Replication;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// A process working on a plan: its name, and the PostgreSQL session that shows it alive (held open for the whole run;
/// when the process dies, PostgreSQL ends the session and its claims can be taken at once instead of when their lease
/// lapses).
/// </summary>
internal sealed record WorkerSession(string Worker, int Pid, DateTime BackendStart, TimeSpan Lease);

/// <summary>A range a worker holds: <see cref="ClaimNo"/> fences every write it makes to the range's checkpoints.</summary>
internal sealed record RangeClaim(string Entity, RangeState Range, long ClaimNo);

/// <summary>Raised inside a chunk's transaction when the worker no longer holds the range: the transaction must not commit.</summary>
internal sealed class LeaseLostException(string entity, int rangeNo)
    : Exception($"{entity} range {rangeNo.ToString(CultureInfo.InvariantCulture)} was taken over by another worker after this worker's lease lapsed; its uncommitted chunk is dropped.")
{
    public string Entity { get; } = entity;

    public int RangeNo { get; } = rangeNo;
}

/// <content>How workers share a plan's ranges: claims with a lease, fenced checkpoints, and the chunk log.</content>
internal sealed partial class Checkpoints
{
    /// <summary>Registers <paramref name="connection"/>'s session as <paramref name="worker"/>'s, for the claims it makes.</summary>
    public async Task<WorkerSession> RegisterWorkerAsync(NpgsqlConnection connection, string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {TargetSchema.Workers(schema)} AS w (plan, worker, pid, backend_start, state)
            SELECT @plan, @worker, a.pid, a.backend_start, 'starting' FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
            ON CONFLICT (plan, worker) DO UPDATE SET pid = EXCLUDED.pid, backend_start = EXCLUDED.backend_start, state = EXCLUDED.state, started_at = now(), updated_at = now()
            RETURNING pid, backend_start
            """,
            connection);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("worker", worker);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new WorkerSession(worker, reader.GetInt32(0), reader.GetDateTime(1), lease);
    }

    /// <summary>Says what the worker is doing, for <c>backfill status</c>.</summary>
    public async Task SetWorkerStateAsync(NpgsqlDataSource target, WorkerSession session, string state, CancellationToken cancellationToken)
    {
        using var command = target.CreateCommand($"UPDATE {TargetSchema.Workers(schema)} SET state = @state, updated_at = now() WHERE plan = @plan AND worker = @worker AND pid = @pid");
        command.Parameters.AddWithValue("state", state);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("worker", session.Worker);
        command.Parameters.AddWithValue("pid", session.Pid);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the first range of <paramref name="entities"/> that is not done and that nobody holds: never claimed, its
    /// lease lapsed, or its holder's session gone. Rows locked by another claim are skipped, so concurrent claims never
    /// wait for each other or take the same range. Null when there is none to take now.
    /// </summary>
    public async Task<RangeClaim?> ClaimAsync(NpgsqlDataSource target, WorkerSession session, IReadOnlyCollection<string> entities, CancellationToken cancellationToken)
    {
        using var command = target.CreateCommand(
            $"""
            WITH pick AS (
              SELECT c.plan, c.entity, c.range_no FROM {TargetSchema.Ranges(schema)} c
               WHERE c.plan = @plan AND c.entity = ANY(@entities) AND NOT c.done
                 AND (c.claimed_by IS NULL OR c.lease_until < now()
                      OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.claim_pid AND a.backend_start = c.claim_backend_start))
               ORDER BY c.range_no, c.entity
               LIMIT 1
               FOR UPDATE SKIP LOCKED)
            UPDATE {TargetSchema.Ranges(schema)} r
               SET claimed_by = @worker, claim_no = r.claim_no + 1, claim_pid = @pid, claim_backend_start = @start,
                   lease_until = now() + @lease, updated_at = now()
              FROM pick
             WHERE r.plan = pick.plan AND r.entity = pick.entity AND r.range_no = pick.range_no
            RETURNING r.entity, r.range_no, r.low_key, r.high_key, r.last_key, r.rows, r.claim_no
            """);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("entities", entities.ToArray());
        AddSession(command, session);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var range = new RangeState(
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : long.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
            reader.IsDBNull(3) ? null : long.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            Done: false,
            reader.GetInt64(5));
        return new RangeClaim(reader.GetString(0), range, reader.GetInt64(6));
    }

    /// <summary>
    /// Opens a chunk inside its transaction: locks the range's row for the transaction and renews the lease, while the
    /// claim still holds. Nobody can take the range over while the chunk is in flight.
    /// </summary>
    /// <exception cref="LeaseLostException">The range was claimed by another worker since.</exception>
    public async Task BeginChunkAsync(NpgsqlConnection connection, WorkerSession session, RangeClaim claim, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"UPDATE {TargetSchema.Ranges(schema)} SET lease_until = now() + @lease WHERE plan = @plan AND entity = @entity AND range_no = @no AND claim_no = @claim AND NOT done",
            connection);
        AddRange(command, claim);
        command.Parameters.AddWithValue("lease", session.Lease);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new LeaseLostException(claim.Entity, claim.Range.RangeNo);
        }
    }

    /// <summary>
    /// Records a committed chunk, inside the chunk's transaction (opened by <see cref="BeginChunkAsync"/>): the range's
    /// checkpoint, the chunk's row in the chunk log (whose key refuses a chunk that starts where another already
    /// started), and the plan's catch-up start lowered to the snapshot's position.
    /// </summary>
    public async Task RecordChunkAsync(NpgsqlConnection connection, WorkerSession session, RangeClaim claim, string? afterKey, string lastKey, int rows, BinlogPosition snapshot, CancellationToken cancellationToken)
    {
        using (var command = new NpgsqlCommand(
            $"""
            UPDATE {TargetSchema.Ranges(schema)} SET last_key = @key, rows = rows + @rows, updated_at = now() WHERE plan = @plan AND entity = @entity AND range_no = @no AND claim_no = @claim;
            INSERT INTO {TargetSchema.Chunks(schema)} (plan, entity, range_no, after_key, last_key, rows, worker, claim_no) VALUES (@plan, @entity, @no, @after, @key, @rows, @worker, @claim);
            """,
            connection))
        {
            AddRange(command, claim);
            command.Parameters.AddWithValue("key", lastKey);
            command.Parameters.AddWithValue("after", afterKey ?? "");
            command.Parameters.AddWithValue("rows", rows);
            command.Parameters.AddWithValue("worker", session.Worker);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await RecordSnapshotAsync(connection, snapshot, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the claimed range copied to its end and lets go of it.</summary>
    /// <exception cref="LeaseLostException">The range was claimed by another worker since.</exception>
    public async Task MarkDoneAsync(NpgsqlConnection connection, RangeClaim claim, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"UPDATE {TargetSchema.Ranges(schema)} SET done = true, claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE plan = @plan AND entity = @entity AND range_no = @no AND claim_no = @claim",
            connection);
        AddRange(command, claim);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new LeaseLostException(claim.Entity, claim.Range.RangeNo);
        }
    }

    /// <summary>Gives a claimed range back (a worker stopping), so another worker can take it at once.</summary>
    public async Task ReleaseAsync(NpgsqlDataSource target, RangeClaim claim, CancellationToken cancellationToken)
    {
        using var command = target.CreateCommand(
            $"UPDATE {TargetSchema.Ranges(schema)} SET claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE plan = @plan AND entity = @entity AND range_no = @no AND claim_no = @claim AND NOT done");
        AddRange(command, claim);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many of <paramref name="entities"/>' ranges are not done yet.</summary>
    public async Task<long> CountPendingAsync(NpgsqlDataSource target, IReadOnlyCollection<string> entities, CancellationToken cancellationToken)
    {
        using var command = target.CreateCommand($"SELECT count(*) FROM {TargetSchema.Ranges(schema)} WHERE plan = @plan AND entity = ANY(@entities) AND NOT done");
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("entities", entities.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Names <paramref name="worker"/> the plan's catch-up leader (it holds the leader lock).</summary>
    public async Task RecordLeaderAsync(NpgsqlConnection connection, string worker, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {TargetSchema.Plans(schema)} AS p (plan, leader, leader_since) VALUES (@plan, @worker, now())
            ON CONFLICT (plan) DO UPDATE SET leader = EXCLUDED.leader, leader_since = EXCLUDED.leader_since, cdc_ended_caught_up = false, updated_at = now()
            """,
            connection);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("worker", worker);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The worker the plan's checkpoint row names as the catch-up's leader; null when none ever led.</summary>
    public async Task<string?> LoadLeaderAsync(NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        using var command = target.CreateCommand($"SELECT leader FROM {TargetSchema.Plans(schema)} WHERE plan = @plan");
        command.Parameters.AddWithValue("plan", Plan);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private void AddRange(NpgsqlCommand command, RangeClaim claim)
    {
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("entity", claim.Entity);
        command.Parameters.AddWithValue("no", claim.Range.RangeNo);
        command.Parameters.AddWithValue("claim", claim.ClaimNo);
    }

    private static void AddSession(NpgsqlCommand command, WorkerSession session)
    {
        command.Parameters.AddWithValue("worker", session.Worker);
        command.Parameters.AddWithValue("pid", session.Pid);
        command.Parameters.AddWithValue("start", NpgsqlTypes.NpgsqlDbType.TimestampTz, session.BackendStart);
        command.Parameters.AddWithValue("lease", session.Lease);
    }
}
