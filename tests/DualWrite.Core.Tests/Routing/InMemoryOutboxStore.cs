using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Routing;

/// <summary>
/// An in-memory outbox store: the record and its intent are applied under one lock, as one transaction would,
/// and a crash can be injected after that "commit" and before the after-commit work.
/// </summary>
internal sealed class InMemoryOutboxStore(InMemoryVersionedStore<long, string> inner, InMemoryRepairLog<long> log) : IOutboxStore<long, string>
{
    private readonly SemaphoreSlim _transaction = new(1, 1);

    public IRepairLog<long> RepairLog => log;

    public IComparer<long> KeyComparer => inner.KeyComparer;

    /// <summary>Whether the next write "crashes" right after its commit.</summary>
    public bool CrashAfterNextCommit { get; set; }

    public async ValueTask<WriteResult> WriteWithIntentAsync(
        VersionedRecord<long, string> record, RepairEntry<long> intent, Func<CancellationToken, ValueTask> afterCommit, CancellationToken cancellationToken)
    {
        WriteResult result;
        await _transaction.WaitAsync(cancellationToken);
        try
        {
            result = await inner.UpsertAsync(record, cancellationToken);
            if (result != WriteResult.IgnoredOlderVersion)
            {
                await log.AppendAsync(intent, cancellationToken);
            }
        }
        finally
        {
            _transaction.Release();
        }

        if (CrashAfterNextCommit)
        {
            CrashAfterNextCommit = false;
            throw new InvalidOperationException("process died after commit");
        }

        if (result != WriteResult.IgnoredOlderVersion)
        {
            await afterCommit(cancellationToken);
        }

        return result;
    }

    public ValueTask<VersionedRecord<long, string>?> GetAsync(long key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public ValueTask<WriteResult> UpsertAsync(VersionedRecord<long, string> record, CancellationToken cancellationToken) => inner.UpsertAsync(record, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(long key, long version, CancellationToken cancellationToken) => inner.DeleteAsync(key, version, cancellationToken);

    public IAsyncEnumerable<VersionedRecord<long, string>> ScanAsync(KeyRange<long> range, int batchSize, CancellationToken cancellationToken) =>
        inner.ScanAsync(range, batchSize, cancellationToken);

    public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<long, string>> records, CancellationToken cancellationToken) =>
        inner.BulkLoadAsync(records, cancellationToken);
}
