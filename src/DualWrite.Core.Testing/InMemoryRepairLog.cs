using DualWrite.Core.Phases;
using DualWrite.Core.Routing;

namespace DualWrite.Core.Testing;

/// <summary>
/// A thread-safe in-memory <see cref="IRepairLog{TKey}"/> with fault injection on appends.
/// For tests only: it is not durable, which is the whole point of a real repair log.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
public sealed class InMemoryRepairLog<TKey> : IRepairLog<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly List<RepairEntry<TKey>> _pending = [];
    private readonly IEqualityComparer<TKey> _keyComparer;
    private int _failingAppends;
    private Exception? _appendFault;

    /// <summary>Creates an empty log matching keys with <paramref name="keyComparer"/>, or the default equality when it is null.</summary>
    public InMemoryRepairLog(IEqualityComparer<TKey>? keyComparer = null)
    {
        _keyComparer = keyComparer ?? EqualityComparer<TKey>.Default;
    }

    /// <summary>The number of pending entries across all entities.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Makes the next <paramref name="count"/> appends throw <paramref name="exception"/> without recording anything.</summary>
    public void FailNextAppends(int count, Exception exception)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(exception);
        lock (_gate)
        {
            _failingAppends = count;
            _appendFault = exception;
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_failingAppends > 0 && _appendFault is not null)
            {
                _failingAppends--;
                throw _appendFault;
            }

            if (!_pending.Exists(e => e.Id == entry.Id))
            {
                _pending.Add(entry);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RepairEntry<TKey>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<RepairEntry<TKey>> batch = _pending.Where(e => e.Entity == entity).Take(max).ToList();
            return ValueTask.FromResult(batch);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> HasPendingAsync(string entity, TKey key, StoreRole target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_pending.Exists(e => e.Entity == entity && e.Target == target && _keyComparer.Equals(e.Key, key)));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_pending.Exists(e => e.Entity == entity && e.Target == target));
        }
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<TKey>> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        var ids = entries.Select(e => e.Id).ToHashSet();
        lock (_gate)
        {
            _pending.RemoveAll(e => ids.Contains(e.Id));
        }

        return ValueTask.CompletedTask;
    }
}
