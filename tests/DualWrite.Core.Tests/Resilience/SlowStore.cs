using DualWrite.Core.Stores;

namespace DualWrite.Core.Tests.Resilience;

/// <summary>A store whose gets and writes wait <paramref name="delay"/> (or until <see cref="Release"/>) before reaching the inner store; cancellation is honoured.</summary>
internal sealed class SlowStore(IVersionedStore<long, string> inner, TimeSpan delay) : IVersionedStore<long, string>
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IComparer<long> KeyComparer => inner.KeyComparer;

    public int StartedGets;

    public void Release() => _released.TrySetResult();

    public async ValueTask<VersionedRecord<long, string>?> GetAsync(long key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref StartedGets);
        await Wait(cancellationToken);
        return await inner.GetAsync(key, cancellationToken);
    }

    public async ValueTask<WriteResult> UpsertAsync(VersionedRecord<long, string> record, CancellationToken cancellationToken)
    {
        await Wait(cancellationToken);
        return await inner.UpsertAsync(record, cancellationToken);
    }

    public async ValueTask<WriteResult> DeleteAsync(long key, long version, CancellationToken cancellationToken)
    {
        await Wait(cancellationToken);
        return await inner.DeleteAsync(key, version, cancellationToken);
    }

    public IAsyncEnumerable<VersionedRecord<long, string>> ScanAsync(KeyRange<long> range, int batchSize, CancellationToken cancellationToken) =>
        inner.ScanAsync(range, batchSize, cancellationToken);

    public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<long, string>> records, CancellationToken cancellationToken) =>
        inner.BulkLoadAsync(records, cancellationToken);

    private Task Wait(CancellationToken cancellationToken) =>
        Task.WhenAny(_released.Task, Task.Delay(delay, cancellationToken)).Unwrap().WaitAsync(cancellationToken);
}
