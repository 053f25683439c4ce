using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// The right to apply a plan's catch-up: a PostgreSQL session-level advisory lock held on a connection of its own for as
/// long as the catch-up runs. When the holder dies, PostgreSQL ends its session and frees the lock, and a waiting
/// worker takes it. The holder is also named in the plan's checkpoint row, and every catch-up checkpoint commits only
/// while that row still names it (<see cref="Checkpoints.Leader"/>), so a holder that lost its session without noticing
/// cannot move the position once another has taken over.
/// </summary>
internal sealed class Leadership : IAsyncDisposable
{
    /// <summary>The first half of the advisory lock keys DualWrite takes; the second half is the plan's name hashed.</summary>
    private const int LeaderLockClass = 0x44570001;

    /// <summary>The lock that serializes setting a plan up (control tables, target tables, ranges) among workers starting at once.</summary>
    private const int SetupLockClass = 0x44570002;

    private readonly NpgsqlConnection _connection;

    private readonly string _plan;

    private Leadership(NpgsqlConnection connection, string plan, string worker)
    {
        _connection = connection;
        _plan = plan;
        Worker = worker;
    }

    /// <summary>The worker that holds it.</summary>
    public string Worker { get; }

    /// <summary>Takes the plan's leader lock when nobody holds it; null when another session does.</summary>
    public static async Task<Leadership?> TryAcquireAsync(NpgsqlDataSource target, Checkpoints checkpoints, string worker, CancellationToken cancellationToken)
    {
        var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, hashtext(@plan))", connection);
            command.Parameters.AddWithValue("class", LeaderLockClass);
            command.Parameters.AddWithValue("plan", checkpoints.LockName);
            if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            await checkpoints.RecordLeaderAsync(connection, worker, cancellationToken).ConfigureAwait(false);
            return new Leadership(connection, checkpoints.LockName, worker);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether a live session holds the plan's leader lock (for <c>backfill status</c>).</summary>
    public static async Task<bool> IsHeldAsync(NpgsqlConnection connection, Checkpoints checkpoints, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = @class::oid AND objid = hashtext(@plan)::oid AND objsubid = 2)",
            connection);
        command.Parameters.AddWithValue("class", (long)LeaderLockClass);
        command.Parameters.AddWithValue("plan", checkpoints.LockName);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Runs <paramref name="setup"/> while holding the plan's setup lock, so workers that start together set it up once.</summary>
    public static async Task<T> WithSetupLockAsync<T>(NpgsqlConnection connection, Checkpoints checkpoints, Func<Task<T>> setup, CancellationToken cancellationToken)
    {
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@class, hashtext(@plan))", connection))
        {
            take.Parameters.AddWithValue("class", SetupLockClass);
            take.Parameters.AddWithValue("plan", checkpoints.LockName);
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await setup().ConfigureAwait(false);
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@class, hashtext(@plan))", connection);
            release.Parameters.AddWithValue("class", SetupLockClass);
            release.Parameters.AddWithValue("plan", checkpoints.LockName);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets go of the lock. It is released explicitly: a pooled connection's session outlives its closing, and would hold
    /// the lock until it is next used.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@class, hashtext(@plan))", _connection);
            release.Parameters.AddWithValue("class", LeaderLockClass);
            release.Parameters.AddWithValue("plan", _plan);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await release.ExecuteNonQueryAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // The session is gone or stuck: PostgreSQL frees the lock with it. Make sure it is not pooled.
            NpgsqlConnection.ClearPool(_connection);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
