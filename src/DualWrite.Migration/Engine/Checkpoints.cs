using DualWrite.MySql.Replication;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>One key range of a table's snapshot and how far it got.</summary>
internal sealed record RangeState(int RangeNo, long? Low, long? High, string? LastKey, bool Done, long Rows);

/// <summary>
/// The backfill's checkpoints in the target's control tables. Chunk checkpoints are written in the chunk's own
/// transaction, so after a crash the target holds exactly the chunks the checkpoints say it holds.
/// </summary>
internal sealed partial class Checkpoints(string plan, string schema)
{
    public string Plan { get; } = plan;

    /// <summary>What names the plan's advisory locks (<see cref="Leadership"/>): its control schema and its name, since plans of one name may live in several schemas of a database.</summary>
    public string LockName => $"{schema}/{Plan}";

    /// <summary>
    /// The worker that holds the plan's catch-up (<see cref="Leadership"/>); when set, a catch-up checkpoint commits only
    /// while the plan's row still names it, so a leader that another process replaced cannot move the position.
    /// </summary>
    public string? Leader { get; set; }

    public async Task<List<RangeState>> LoadRangesAsync(NpgsqlConnection connection, string entity, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"SELECT range_no, low_key, high_key, last_key, done, rows FROM {TargetSchema.Ranges(schema)} WHERE plan = @plan AND entity = @entity ORDER BY range_no",
            connection);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("entity", entity);
        var ranges = new List<RangeState>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ranges.Add(new RangeState(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(2) ? null : long.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetBoolean(4),
                reader.GetInt64(5)));
        }

        return ranges;
    }

    public async Task CreateRangesAsync(NpgsqlConnection connection, string entity, IReadOnlyList<(long? Low, long? High)> bounds, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            for (var i = 0; i < bounds.Count; i++)
            {
                var command = new NpgsqlBatchCommand(
                    $"INSERT INTO {TargetSchema.Ranges(schema)} (plan, entity, range_no, low_key, high_key) VALUES (@plan, @entity, @no, @low, @high) ON CONFLICT DO NOTHING");
                command.Parameters.AddWithValue("plan", Plan);
                command.Parameters.AddWithValue("entity", entity);
                command.Parameters.AddWithValue("no", i);
                command.Parameters.AddWithValue("low", (object?)bounds[i].Low?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? DBNull.Value);
                command.Parameters.AddWithValue("high", (object?)bounds[i].High?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? DBNull.Value);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lowers the plan's catch-up start to <paramref name="snapshot"/> when that is earlier (and catch-up has not started).</summary>
    public async Task RecordSnapshotAsync(NpgsqlConnection connection, BinlogPosition snapshot, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {TargetSchema.Plans(schema)} AS p (plan, cdc_file, cdc_offset, cdc_sequence) VALUES (@plan, @file, @offset, @sequence)
            ON CONFLICT (plan) DO UPDATE SET cdc_file = EXCLUDED.cdc_file, cdc_offset = EXCLUDED.cdc_offset, cdc_sequence = EXCLUDED.cdc_sequence, updated_at = now()
             WHERE NOT p.cdc_started AND (p.cdc_sequence IS NULL OR (EXCLUDED.cdc_sequence, EXCLUDED.cdc_offset) < (p.cdc_sequence, p.cdc_offset));
            """,
            connection);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("file", snapshot.File);
        command.Parameters.AddWithValue("offset", (long)snapshot.Offset);
        command.Parameters.AddWithValue("sequence", snapshot.FileSequence);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where catch-up resumes (its own checkpoint) or starts (the earliest snapshot); null before any snapshot.</summary>
    public async Task<(BinlogPosition Position, bool Started)?> LoadCatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT cdc_file, cdc_offset, cdc_started FROM {TargetSchema.Plans(schema)} WHERE plan = @plan", connection);
        command.Parameters.AddWithValue("plan", Plan);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
        {
            return null;
        }

        return (new BinlogPosition(reader.GetString(0), (ulong)reader.GetInt64(1)), reader.GetBoolean(2));
    }

    /// <summary>Records the catch-up position, inside the transaction that applied everything up to it.</summary>
    /// <exception cref="BackfillException">Another worker took the plan's catch-up over (<see cref="BackfillError.LeadershipLost"/>): the transaction must not commit.</exception>
    public async Task RecordCatchUpAsync(NpgsqlConnection connection, BinlogPosition position, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {TargetSchema.Plans(schema)} AS p (plan, cdc_file, cdc_offset, cdc_sequence, cdc_started, leader) VALUES (@plan, @file, @offset, @sequence, true, @leader)
            ON CONFLICT (plan) DO UPDATE SET cdc_file = EXCLUDED.cdc_file, cdc_offset = EXCLUDED.cdc_offset, cdc_sequence = EXCLUDED.cdc_sequence, cdc_started = true, updated_at = now()
             WHERE @leader IS NULL OR p.leader IS NOT DISTINCT FROM @leader
            """,
            connection);
        command.Parameters.AddWithValue("plan", Plan);
        command.Parameters.AddWithValue("file", position.File);
        command.Parameters.AddWithValue("offset", (long)position.Offset);
        command.Parameters.AddWithValue("sequence", position.FileSequence);
        command.Parameters.Add(new NpgsqlParameter<string?>("leader", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = Leader });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new BackfillException(BackfillError.LeadershipLost,
                $"Another worker took over the catch-up of plan '{Plan}' from {Leader}; this one stops applying (nothing of its last batch was committed).");
        }
    }

    /// <summary>Forgets the plan's catch-up position (a re-snapshot).</summary>
    public async Task ResetCatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"DELETE FROM {TargetSchema.Plans(schema)} WHERE plan = @plan", connection);
        command.Parameters.AddWithValue("plan", Plan);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes the catch-up's lag and when it was measured, for the <c>cdc-lag</c> gate in another process (outside
    /// any batch's transaction: a measurement is no checkpoint).
    /// </summary>
    /// <param name="target">The target.</param>
    /// <param name="lag">The lag measured.</param>
    /// <param name="measuredAt">When.</param>
    /// <param name="endedCaughtUp">The catch-up ends here, caught up (a run without <c>--follow</c>): the lag stays what it was at the end.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task RecordLagAsync(NpgsqlDataSource target, TimeSpan lag, DateTimeOffset measuredAt, CancellationToken cancellationToken, bool endedCaughtUp = false)
    {
        using var command = target.CreateCommand($"UPDATE {TargetSchema.Plans(schema)} SET lag_ms = @lag, lag_measured_at = @at, cdc_ended_caught_up = @ended WHERE plan = @plan");
        command.Parameters.AddWithValue("ended", endedCaughtUp);
        command.Parameters.AddWithValue("lag", (long)lag.TotalMilliseconds);
        command.Parameters.AddWithValue("at", measuredAt);
        command.Parameters.AddWithValue("plan", Plan);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The catch-up's last published lag and when it was measured; null when no catch-up of the plan ever measured one.</summary>
    public async Task<(TimeSpan Lag, DateTimeOffset MeasuredAt)?> LoadLagAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT lag_ms, lag_measured_at FROM {TargetSchema.Plans(schema)} WHERE plan = @plan AND lag_measured_at IS NOT NULL", connection);
        command.Parameters.AddWithValue("plan", Plan);
        try
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? (TimeSpan.FromMilliseconds(reader.GetInt64(0)), reader.GetFieldValue<DateTimeOffset>(1))
                : null;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            // No backfill ever ran into this schema, or none since the lag was published.
            return null;
        }
    }
}
