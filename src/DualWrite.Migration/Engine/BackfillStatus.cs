using DualWrite.Migration.Plans;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>Where a plan's backfill stands, read from the target's control tables alone (<c>backfill status</c>).</summary>
/// <param name="Plan">The plan's name.</param>
/// <param name="Entities">Each entity the plan's ranges name, in the plan's order.</param>
/// <param name="Workers">The workers whose PostgreSQL session is alive.</param>
/// <param name="Leader">The worker the plan names as the catch-up's leader; null when none ever led.</param>
/// <param name="LeaderAlive">Whether a live session holds the leader lock.</param>
/// <param name="CatchUpStarted">Whether the catch-up has committed a position (the snapshot is then done).</param>
/// <param name="Position">The catch-up's committed position, or where it will start.</param>
/// <param name="Lag">The catch-up's last published lag.</param>
/// <param name="LagMeasuredAt">When it was measured.</param>
/// <param name="EndedCaughtUp">The last catch-up ended by itself, caught up (a run without <c>--follow</c>), and none runs since.</param>
/// <param name="ReadAt">When the target was read (its clock).</param>
public sealed record BackfillStatus(
    string Plan,
    IReadOnlyList<EntityBackfillStatus> Entities,
    IReadOnlyList<WorkerStatus> Workers,
    string? Leader,
    bool LeaderAlive,
    bool CatchUpStarted,
    string? Position,
    TimeSpan? Lag,
    DateTimeOffset? LagMeasuredAt,
    bool EndedCaughtUp,
    DateTimeOffset ReadAt)
{
    /// <summary>How old a lag published by a running catch-up may be for it to count (it publishes every second).</summary>
    public static readonly TimeSpan LagFreshFor = TimeSpan.FromSeconds(10);

    /// <summary>Every entity of the plan has its ranges, and all are copied (or the catch-up has begun, which follows the snapshot).</summary>
    public bool SnapshotDone(int plannedEntities) =>
        CatchUpStarted || (Entities.Count >= plannedEntities && Entities.Count > 0 && Entities.All(e => e.RangesTotal > 0 && e.RangesDone == e.RangesTotal));

    /// <summary>
    /// The catch-up is caught up: its last published lag is within <paramref name="lagBound"/>, and either a live leader
    /// published it within <see cref="LagFreshFor"/>, or the last catch-up ended by itself caught up.
    /// </summary>
    public bool CaughtUp(TimeSpan lagBound) =>
        CatchUpStarted && Lag is { } lag && lag <= lagBound && LagMeasuredAt is { } at &&
        (EndedCaughtUp || (LeaderAlive && ReadAt - at <= LagFreshFor));

    /// <summary>Reads the plan's status; a target no backfill ever ran into reads as an empty status.</summary>
    public static async Task<BackfillStatus> ReadAsync(MigrationPlan plan, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        var schema = plan.Target.Schema ?? "public";
        var checkpoints = new Checkpoints(plan.Name, schema);
        var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var readAt = await ScalarAsync<DateTime>(connection, "SELECT now()", cancellationToken).ConfigureAwait(false);
            try
            {
                return await ReadAsync(connection, checkpoints, schema, plan, new DateTimeOffset(readAt, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
            {
                // No backfill of this version ever ran into the schema.
                return new BackfillStatus(plan.Name, [], [], null, false, false, null, null, null, false, new DateTimeOffset(readAt, TimeSpan.Zero));
            }
        }
    }

    private static async Task<BackfillStatus> ReadAsync(NpgsqlConnection connection, Checkpoints checkpoints, string schema, MigrationPlan plan, DateTimeOffset readAt, CancellationToken cancellationToken)
    {
        var entities = new List<EntityBackfillStatus>();
        using (var command = new NpgsqlCommand(
            $"""
            SELECT r.entity, count(*), count(*) FILTER (WHERE r.done),
                   count(*) FILTER (WHERE NOT r.done AND r.claimed_by IS NOT NULL AND r.lease_until >= now()
                                    AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.claim_pid AND a.backend_start = r.claim_backend_start)),
                   sum(r.rows)::bigint,
                   (SELECT count(*) FROM {TargetSchema.Chunks(schema)} c WHERE c.plan = r.plan AND c.entity = r.entity),
                   (SELECT coalesce(sum(c.rows), 0)::bigint FROM {TargetSchema.Chunks(schema)} c WHERE c.plan = r.plan AND c.entity = r.entity AND c.committed_at > now() - @window)
              FROM {TargetSchema.Ranges(schema)} r WHERE r.plan = @plan GROUP BY r.plan, r.entity
            """,
            connection))
        {
            command.Parameters.AddWithValue("plan", plan.Name);
            command.Parameters.AddWithValue("window", RateWindow);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entities.Add(new EntityBackfillStatus(
                    reader.GetString(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                    reader.GetInt64(6) / RateWindow.TotalSeconds));
            }
        }

        var order = plan.Entities.Select((e, i) => (e.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        entities.Sort((a, b) => (order.GetValueOrDefault(a.Entity, int.MaxValue), a.Entity).CompareTo((order.GetValueOrDefault(b.Entity, int.MaxValue), b.Entity)));

        var workers = new List<WorkerStatus>();
        using (var command = new NpgsqlCommand(
            $"""
            SELECT w.worker, w.state, w.started_at, w.updated_at,
                   (SELECT count(*) FROM {TargetSchema.Ranges(schema)} r WHERE r.plan = w.plan AND NOT r.done AND r.claimed_by = w.worker AND r.claim_pid = w.pid)
              FROM {TargetSchema.Workers(schema)} w
             WHERE w.plan = @plan AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = w.pid AND a.backend_start = w.backend_start)
             ORDER BY w.started_at, w.worker
            """,
            connection))
        {
            command.Parameters.AddWithValue("plan", plan.Name);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                workers.Add(new WorkerStatus(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), (int)reader.GetInt64(4)));
            }
        }

        using (var command = new NpgsqlCommand(
            $"SELECT leader, cdc_started, cdc_file, cdc_offset, lag_ms, lag_measured_at, cdc_ended_caught_up FROM {TargetSchema.Plans(schema)} WHERE plan = @plan", connection))
        {
            command.Parameters.AddWithValue("plan", plan.Name);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var leader = reader.IsDBNull(0) ? null : reader.GetString(0);
                var started = reader.GetBoolean(1);
                var position = reader.IsDBNull(2) ? null : $"{reader.GetString(2)}:{reader.GetInt64(3)}";
                TimeSpan? lag = reader.IsDBNull(4) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(4));
                DateTimeOffset? measured = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
                var ended = reader.GetBoolean(6);
                await reader.CloseAsync().ConfigureAwait(false);
                var alive = await Leadership.IsHeldAsync(connection, checkpoints, cancellationToken).ConfigureAwait(false);
                return new BackfillStatus(plan.Name, entities, workers, leader, alive, started, position, lag, measured, ended && !alive, readAt);
            }
        }

        return new BackfillStatus(plan.Name, entities, workers, null, false, false, null, null, null, false, readAt);
    }

    /// <summary>The span over which <see cref="EntityBackfillStatus.RowsPerSecond"/> is taken.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

/// <summary>One entity's snapshot.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="RangesTotal">Key ranges it is cut into.</param>
/// <param name="RangesDone">Ranges copied to their end.</param>
/// <param name="RangesClaimed">Ranges a live worker holds now.</param>
/// <param name="Rows">Rows copied.</param>
/// <param name="Chunks">Chunks committed.</param>
/// <param name="RowsPerSecond">Rows committed per second over the last <see cref="BackfillStatus.RateWindow"/>.</param>
public sealed record EntityBackfillStatus(string Entity, int RangesTotal, int RangesDone, int RangesClaimed, long Rows, long Chunks, double RowsPerSecond);

/// <summary>A live worker.</summary>
/// <param name="Worker">Its name.</param>
/// <param name="State">What it does: copying, catching up, standing by, finished, stopped, failed.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="RangesHeld">Ranges it holds now.</param>
public sealed record WorkerStatus(string Worker, string State, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, int RangesHeld);
