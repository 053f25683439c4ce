using System.Threading.Channels;
using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Groups the transactions the pump received into target batches. A batch holds whole transactions only (one larger
/// than the size limit makes a batch of its own), and closes when it holds <c>maxChanges</c> row changes, when
/// <c>maxDelay</c> has passed since its first transaction was taken, when the next transaction is a DDL statement (which
/// then leads the next batch), or when the source ends.
/// </summary>
internal sealed class ChangeBatcher
{
    private readonly ChannelReader<BinlogTransaction> _source;
    private readonly int _maxChanges;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private BinlogTransaction? _held;

    /// <summary>Creates the batcher over the pump's channel.</summary>
    /// <param name="source">The received transactions, in binlog order.</param>
    /// <param name="maxChanges">The row changes at which a batch closes.</param>
    /// <param name="maxDelay">How long a batch stays open for more transactions after its first.</param>
    /// <param name="time">The clock of <paramref name="maxDelay"/> and of the idle wait.</param>
    public ChangeBatcher(ChannelReader<BinlogTransaction> source, int maxChanges, TimeSpan maxDelay, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChanges, 1);
        _source = source;
        _maxChanges = maxChanges;
        _maxDelay = maxDelay;
        _time = time;
    }

    /// <summary>
    /// The next batch; <see cref="CatchUpBatch.None"/> when no transaction arrived within <paramref name="idle"/>, null
    /// once the source has ended and everything it delivered was batched. A source that failed throws its error.
    /// </summary>
    public async ValueTask<CatchUpBatch?> NextAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        if (_held is null && !_source.TryRead(out _held))
        {
            switch (await WaitAsync(idle, cancellationToken).ConfigureAwait(false))
            {
                case Arrival.Ended:
                    return null;
                case Arrival.TimedOut:
                    return CatchUpBatch.None;
            }

            if (!_source.TryRead(out _held))
            {
                return CatchUpBatch.None;
            }
        }

        var opened = _time.GetTimestamp();
        var transactions = new List<BinlogTransaction>();
        var changes = 0;
        while (true)
        {
            while (_held is { } next)
            {
                if (next.SchemaChange is not null && transactions.Count > 0)
                {
                    // The statement leads the next batch; this one ends just before it.
                    return new CatchUpBatch(transactions, changes);
                }

                transactions.Add(next);
                changes += next.Changes.Count;
                _held = null;
                if (changes >= _maxChanges)
                {
                    return new CatchUpBatch(transactions, changes);
                }

                _source.TryRead(out _held);
            }

            var left = _maxDelay - _time.GetElapsedTime(opened);
            if (left <= TimeSpan.Zero || await WaitAsync(left, cancellationToken).ConfigureAwait(false) != Arrival.Ready)
            {
                return new CatchUpBatch(transactions, changes);
            }

            _source.TryRead(out _held);
        }
    }

    private enum Arrival
    {
        Ready,
        TimedOut,
        Ended,
    }

    private async ValueTask<Arrival> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _source.WaitToReadAsync(wait.Token).ConfigureAwait(false) ? Arrival.Ready : Arrival.Ended;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Arrival.TimedOut;
        }
    }
}
