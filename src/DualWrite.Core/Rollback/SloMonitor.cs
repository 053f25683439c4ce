using System.Collections.Concurrent;

namespace DualWrite.Core.Rollback;

/// <summary>Holds the <see cref="SloWindow"/> of every entity with an automatic-rollback policy.</summary>
public sealed class SloMonitor
{
    private readonly ConcurrentDictionary<string, SloWindow> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a monitor on <paramref name="timeProvider"/>, or the system clock when it is null.</summary>
    public SloMonitor(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The window of <paramref name="entity"/>, created from <paramref name="options"/> on first use.</summary>
    public SloWindow Register(string entity, AutoRollbackOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(options);
        return _windows.GetOrAdd(entity, e => new SloWindow(e, options.Window, options.LatencyThreshold, _time));
    }

    /// <summary>The window of <paramref name="entity"/>, if it was registered.</summary>
    public SloWindow? Find(string entity) => _windows.TryGetValue(entity, out var window) ? window : null;
}
