using DualWrite.MySql.Protocol;

namespace DualWrite.MySql.Core;

/// <summary>
/// Watches one running command for caller cancellation and for its command timeout. Either one
/// sends KILL QUERY from a second connection, so the session stays usable; if that cannot be done,
/// or the server does not stop within a grace period, the socket is closed instead.
/// </summary>
internal sealed class CommandScope : IAsyncDisposable
{
    private const int Running = 0;
    private const int CancelRequested = 1;
    private const int TimedOut = 2;
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(10);

    private readonly ServerSession _session;
    private readonly CancellationToken _cancellationToken;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenRegistration _registration;
    private readonly Timer? _timer;
    private int _state;
    private Task? _killTask;

    public CommandScope(ServerSession session, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _session = session;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static s => ((CommandScope)s!).Trigger(CancelRequested), this);
        }

        if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = new Timer(static s => ((CommandScope)s!).Trigger(TimedOut), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    public bool IsTriggered => Volatile.Read(ref _state) != Running;

    /// <summary>Restarts the timeout: it bounds each wait for the server, not a whole streamed result.</summary>
    public void RestartTimer()
    {
        if (_timer is not null && !IsTriggered)
        {
            _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels from <see cref="System.Data.Common.DbCommand.Cancel"/>.</summary>
    public void Cancel() => Trigger(CancelRequested);

    private void Trigger(int reason)
    {
        if (Interlocked.CompareExchange(ref _state, reason, Running) == Running)
        {
            _killTask = Task.Run(KillAsync);
        }
    }

    private async Task KillAsync()
    {
        try
        {
            var killer = new ServerSession(_session.Settings, pool: null);
            await using (killer.ConfigureAwait(false))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await killer.ConnectAsync(timeout.Token).ConfigureAwait(false);
                await killer.ExecuteAsync(
                    "KILL QUERY " + _session.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException or IOException)
        {
            _session.AbortSocket();
            return;
        }

        _ = AbortIfStillRunningAsync();
    }

    /// <summary>A killed statement ends promptly; one that does not (a dead network) loses its socket.</summary>
    private async Task AbortIfStillRunningAsync()
    {
        await Task.Delay(AbortGrace).ConfigureAwait(false);
        if (!_disposed)
        {
            _session.AbortSocket();
        }
    }

    private volatile bool _disposed;

    /// <summary>The exception the caller sees for a command stopped by this scope.</summary>
    public Exception Translate(Exception? serverError)
    {
        if (Volatile.Read(ref _state) == TimedOut)
        {
            return new MySqlException(MySqlErrorKind.CommandTimeout, ClientErrors.CommandTimeout, null,
                $"The command did not complete within its command timeout of {_timeout.TotalSeconds:0.###} s and was cancelled on the server.",
                serverError);
        }

        return new OperationCanceledException("The command was cancelled.", serverError, _cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _registration.DisposeAsync().ConfigureAwait(false);
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        // The next command on this session must not start before the KILL has landed.
        if (_killTask is { } kill)
        {
            await kill.ConfigureAwait(false);
        }
    }
}
