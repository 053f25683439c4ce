using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Measures the catch-up's lag and decides when it is caught up, on one clock. The source's head (SHOW MASTER STATUS,
/// through the reader) is sampled; a sample is reached once the position the reader received is at or past it and
/// everything up to it is applied. The lag is the time since the newest reached sample was taken: every change the
/// source had committed by then is in the target. Caught up means the lag stayed under the bound for the steady time.
/// </summary>
/// <remarks>
/// Binlog event timestamps have whole seconds only, too coarse for a bound of a second, and come from the source's
/// clock; the head samples need neither.
/// </remarks>
internal sealed class CatchUpGauge
{
    private readonly Func<CancellationToken, Task<BinlogPosition>> _readHead;
    private readonly TimeSpan _bound;
    private readonly TimeSpan _steadyFor;
    private readonly TimeSpan _sampleEvery;
    private readonly TimeProvider _time;
    private readonly BinlogPosition _start;
    private (BinlogPosition Head, long TakenAt)? _pending;
    private long _reachedAt;
    private bool _reached;
    private long? _sampledAt;
    private long? _underBoundSince;

    /// <summary>Creates the gauge; the lag counts from now until the first sample is reached, and is not under the bound before.</summary>
    /// <param name="readHead">Reads the source's current binlog end.</param>
    /// <param name="start">Where the catch-up started reading: what the reader has received before its first transaction.</param>
    /// <param name="bound">The plan's lag bound.</param>
    /// <param name="steadyFor">How long the lag must stay under the bound.</param>
    /// <param name="time">The clock.</param>
    public CatchUpGauge(Func<CancellationToken, Task<BinlogPosition>> readHead, BinlogPosition start, TimeSpan bound, TimeSpan steadyFor, TimeProvider time)
    {
        _start = start;
        _readHead = readHead;
        _bound = bound;
        _steadyFor = steadyFor;
        _time = time;
        _sampleEvery = bound / 10;
        _reachedAt = time.GetTimestamp();
    }

    /// <summary>The time since the newest reached head sample was taken.</summary>
    public TimeSpan Lag => _time.GetElapsedTime(_reachedAt);

    /// <summary>Whether the lag has stayed under the bound for the steady time, as of the last <see cref="ObserveAsync"/>.</summary>
    public bool CaughtUp { get; private set; }

    /// <summary>The head sample not reached yet, if any.</summary>
    public BinlogPosition? PendingHead => _pending?.Head;

    /// <summary>
    /// The newest head sample reached: everything up to it is applied, even when it lies past the last applied
    /// transaction (a rotation or other events with no transaction since, so the GTID state is the same).
    /// </summary>
    public BinlogPosition? ReachedHead { get; private set; }

    /// <summary>
    /// Takes in where the reader and the target are (after a batch, or an idle wait), sampling the head when due; a head
    /// query that cannot reach the source is tried again at the next sample.
    /// </summary>
    /// <param name="received">The position after the last transaction the reader received; null before the first, when the start position counts.</param>
    /// <param name="applied">The position up to which everything is applied.</param>
    /// <param name="cancellationToken">Cancels the head query.</param>
    public async Task ObserveAsync(BinlogPosition? received, BinlogPosition applied, CancellationToken cancellationToken)
    {
        if (_pending is null && (_sampledAt is not { } last || _time.GetElapsedTime(last) >= _sampleEvery))
        {
            // The time before the query: the head it returns is at least as new as that.
            var takenAt = _time.GetTimestamp();
            _sampledAt = takenAt;
            try
            {
                _pending = (await _readHead(cancellationToken).ConfigureAwait(false), takenAt);
            }
            catch (BinlogException ex) when (ex.Kind is BinlogErrorKind.ConnectionFailed or BinlogErrorKind.ConnectionLost)
            {
                // The source is out of reach for now (the reader reconnects on its own): no sample, so the lag grows.
            }
        }

        // Before its first transaction the reader has received everything before the position it started from.
        if (_pending is { } pending && Reaches(received ?? _start, pending.Head) && Reaches(applied, pending.Head))
        {
            _reachedAt = pending.TakenAt;
            _reached = true;
            _pending = null;
            ReachedHead = pending.Head;
        }

        var now = _time.GetTimestamp();
        _underBoundSince = _reached && Lag < _bound ? _underBoundSince ?? now : null;
        CaughtUp = _underBoundSince is { } since && _time.GetElapsedTime(since, now) >= _steadyFor;
    }

    /// <summary>
    /// Whether <paramref name="position"/> covers everything up to <paramref name="head"/>: at or past it, or (a head in a
    /// binlog file begun since, with no transaction in it yet) with the same GTID state.
    /// </summary>
    private static bool Reaches(BinlogPosition position, BinlogPosition head) =>
        position >= head || (head.GtidState is { } gtids && string.Equals(position.GtidState, gtids, StringComparison.Ordinal));
}
