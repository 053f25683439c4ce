namespace DualWrite.Core.Routing;

/// <summary>
/// A call to a store or log that ran past its bound and was left to finish on its own. Until it ends, the store is
/// not called again: a database that hangs then costs one waiting call, not one per caller, and callers go on at once
/// (reads from what the log last said, writes straight to the repair log). Its outcome, whatever it is, is dropped.
/// </summary>
internal sealed class OutstandingCall
{
    private readonly Lock _gate = new();
    private Task? _call;

    /// <summary>Whether a call left to finish has not ended yet.</summary>
    public bool IsWaiting
    {
        get
        {
            lock (_gate)
            {
                return _call is not null;
            }
        }
    }

    /// <summary>Leaves <paramref name="call"/> to finish; the first such call is the one waited for.</summary>
    public void LeaveToFinish(Task call)
    {
        lock (_gate)
        {
            _call ??= call;
        }

        call.ContinueWith(
            static (done, state) =>
            {
                _ = done.Exception;
                var outstanding = (OutstandingCall)state!;
                lock (outstanding._gate)
                {
                    if (ReferenceEquals(outstanding._call, done))
                    {
                        outstanding._call = null;
                    }
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
