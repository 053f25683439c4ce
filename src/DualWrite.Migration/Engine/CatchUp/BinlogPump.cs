using System.Threading.Channels;
using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Reads the binlog from a position into a bounded channel, on a task of its own, so that reading goes on while a batch
/// is written. The reader's failures end the channel with the error (a purged binlog as the backfill's own); disposing
/// stops the reading.
/// </summary>
internal sealed class BinlogPump : IAsyncDisposable
{
    /// <summary>How many received transactions may wait for the batcher before reading pauses.</summary>
    public const int Capacity = 50_000;

    private readonly Channel<BinlogTransaction> _channel =
        Channel.CreateBounded<BinlogTransaction>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;

    private BinlogPump(BinlogReader reader, BinlogPosition from, string planFile, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reading = ReadAsync(reader, from, planFile, _stop.Token);
    }

    /// <summary>The transactions received, in binlog order.</summary>
    public ChannelReader<BinlogTransaction> Transactions => _channel.Reader;

    /// <summary>Starts reading after <paramref name="from"/>.</summary>
    /// <param name="reader">The reader; its acknowledgements are the applier's.</param>
    /// <param name="from">Where to start.</param>
    /// <param name="planFile">The plan's file, for the re-snapshot command a purged binlog calls for.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static BinlogPump Start(BinlogReader reader, BinlogPosition from, string planFile, CancellationToken cancellationToken) =>
        new(reader, from, planFile, cancellationToken);

    private async Task ReadAsync(BinlogReader reader, BinlogPosition from, string planFile, CancellationToken cancellationToken)
    {
        var transactions = _channel.Writer;
        try
        {
            await foreach (var transaction in reader.ReadAsync(from, cancellationToken).ConfigureAwait(false))
            {
                await transactions.WriteAsync(transaction, cancellationToken).ConfigureAwait(false);
            }

            transactions.TryComplete();
        }
        catch (BinlogException ex) when (ex.Kind == BinlogErrorKind.BinlogPurged)
        {
            transactions.TryComplete(new BackfillException(BackfillError.BinlogPurged,
                $"The binlog at the catch-up position {from} was purged from the source, so the changes since then are lost to the catch-up. " +
                $"A re-snapshot is needed: run `dualwrite backfill run --plan {planFile} --resnapshot`. ({ex.Message})", ex));
        }
        catch (Exception ex)
        {
            transactions.TryComplete(ex);
        }
    }

    /// <summary>Stops reading and waits for the reader to close its connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
        _stop.Dispose();
    }
}
