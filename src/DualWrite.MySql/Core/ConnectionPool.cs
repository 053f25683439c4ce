using System.Collections.Concurrent;
using System.Diagnostics;
using DualWrite.MySql.Protocol;

namespace DualWrite.MySql.Core;

/// <summary>
/// A bounded pool of sessions for one connection string. Sessions are reset when they come back,
/// discarded when broken, idle too long or from before a connection failure, and checked for a
/// dead socket before they are handed out again.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, ConnectionPool> Pools = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _slots;
    private readonly Stack<ServerSession> _idle = new();
    private readonly Lock _lock = new();
    private int _generation;
    private bool _disposed;

    public ConnectionPool(ConnectionSettings settings)
    {
        Settings = settings;
        _slots = new SemaphoreSlim((int)settings.MaximumPoolSize, (int)settings.MaximumPoolSize);
    }

    public ConnectionSettings Settings { get; }

    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>The shared pool for a connection string (one per distinct string, like ADO.NET providers).</summary>
    public static ConnectionPool GetOrCreate(ConnectionSettings settings) =>
        Pools.GetOrAdd(settings.ConnectionStringForPoolKey, static (_, s) => new ConnectionPool(s), settings);

    public static async Task ClearAllAsync()
    {
        foreach (var pool in Pools.Values)
        {
            await pool.ClearAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask<ServerSession> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var wait = Settings.ConnectionTimeout > TimeSpan.Zero ? Settings.ConnectionTimeout : Timeout.InfiniteTimeSpan;
        if (!await _slots.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            throw new MySqlException(MySqlErrorKind.PoolExhausted, ClientErrors.PoolExhausted, null,
                $"All {Settings.MaximumPoolSize} pooled connections to {Settings.Server}:{Settings.Port} stayed in use for " +
                $"{Settings.ConnectionTimeout.TotalSeconds:0.#} s; raise MaximumPoolSize or close connections sooner.");
        }

        try
        {
            while (TryTakeIdle() is { } idle)
            {
                if (IsReusable(idle))
                {
                    return idle;
                }

                await idle.DisposeAsync().ConfigureAwait(false);
            }

            var session = new ServerSession(Settings, this) { PoolGeneration = Volatile.Read(ref _generation) };
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private ServerSession? TryTakeIdle()
    {
        lock (_lock)
        {
            return _idle.Count > 0 ? _idle.Pop() : null;
        }
    }

    private bool IsReusable(ServerSession session)
    {
        if (session.IsBroken || session.PoolGeneration != Volatile.Read(ref _generation))
        {
            return false;
        }

        // Sessions beyond the minimum pool size are retired once idle longer than the idle timeout.
        if (Settings.ConnectionIdleTimeout > TimeSpan.Zero && IdleCount >= Settings.MinimumPoolSize &&
            Stopwatch.GetElapsedTime(session.LastUsedTimestamp) > Settings.ConnectionIdleTimeout)
        {
            return false;
        }

        return !session.IsSocketDeadWhileIdle();
    }

    /// <summary>Takes a session back: reset it and keep it, or drop it when it cannot be trusted.</summary>
    public async ValueTask ReturnAsync(ServerSession session)
    {
        try
        {
            if (session.IsBroken)
            {
                // A broken connection usually means the server went away: the other idle ones are suspect too.
                Interlocked.Increment(ref _generation);
                await session.DisposeAsync().ConfigureAwait(false);
                return;
            }

            if (_disposed || session.PoolGeneration != Volatile.Read(ref _generation))
            {
                await session.DisposeAsync().ConfigureAwait(false);
                return;
            }

            if (Settings.ConnectionReset || (session.Status & ServerStatus.InTransaction) != 0)
            {
                try
                {
                    // Never hand an open transaction (and its locks) to the next user.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    if (Settings.ConnectionReset)
                    {
                        await session.ResetAsync(timeout.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await session.ExecuteAsync("ROLLBACK", timeout.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is MySqlException or OperationCanceledException)
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                    return;
                }
            }

            session.LastUsedTimestamp = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _idle.Push(session);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Drops every idle session; sessions in use are dropped when they come back.</summary>
    public async Task ClearAsync()
    {
        Interlocked.Increment(ref _generation);
        List<ServerSession> drained;
        lock (_lock)
        {
            drained = [.. _idle];
            _idle.Clear();
        }

        foreach (var session in drained)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await ClearAsync().ConfigureAwait(false);
    }
}
