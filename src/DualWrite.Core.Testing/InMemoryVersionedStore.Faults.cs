using DualWrite.Core.Stores;

namespace DualWrite.Core.Testing;

/// <content>Fault injection, so decorator and runner tests can simulate an unavailable or flaky store.</content>
public sealed partial class InMemoryVersionedStore<TKey, TValue>
{
    private int _failingWrites;
    private Exception? _writeFault;
    private bool _faultAfterApplying;

    /// <summary>
    /// A hook consulted before every operation (each scan batch and each bulk-loaded record counts);
    /// when it returns an exception the operation throws it without touching the data.
    /// </summary>
    public Func<InMemoryStoreOperation, Exception?>? FaultInjector { get; set; }

    /// <summary>
    /// Makes the next <paramref name="count"/> writes (upserts, deletes, bulk-loaded records) throw <paramref name="exception"/>.
    /// With <paramref name="afterApplying"/> the write lands first and only the acknowledgement fails, as when a reply is lost.
    /// </summary>
    public void FailNextWrites(int count, Exception exception, bool afterApplying = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(exception);
        lock (_gate)
        {
            _failingWrites = count;
            _writeFault = exception;
            _faultAfterApplying = afterApplying;
        }
    }

    private void ThrowIfFaulted(InMemoryStoreOperation operation)
    {
        if (FaultInjector?.Invoke(operation) is { } exception)
        {
            throw exception;
        }
    }

    private WriteFault? TakeWriteFault(InMemoryStoreOperation operation)
    {
        ThrowIfFaulted(operation);
        lock (_gate)
        {
            if (_failingWrites == 0 || _writeFault is null)
            {
                return null;
            }

            _failingWrites--;
            return new WriteFault(_writeFault, _faultAfterApplying);
        }
    }

    private sealed record WriteFault(Exception Exception, bool AfterApplying);
}
