using System.Diagnostics;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>What the traffic did during one stretch of the migration (one phase).</summary>
public sealed class TrafficStats
{
    private readonly Lock _gate = new();
    private readonly List<double> _latenciesMs = [];
    private readonly Dictionary<string, OperationFigures> _byKind = new(StringComparer.Ordinal);
    private readonly HashSet<Domain.OrderKey> _written = [];
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private long _operations;
    private long _failures;
    private long _staleReads;
    private string? _firstProblem;

    /// <summary>Operations that completed.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Operations that threw.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Reads that did not return the client's own last acknowledged write.</summary>
    public long StaleReads => Interlocked.Read(ref _staleReads);

    /// <summary>The first failure or stale read, described.</summary>
    public string? FirstProblem => Volatile.Read(ref _firstProblem);

    /// <summary>Time since the stretch began.</summary>
    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>The latency below which <paramref name="quantile"/> of operations completed, in milliseconds.</summary>
    public double LatencyMs(double quantile)
    {
        lock (_gate)
        {
            if (_latenciesMs.Count == 0)
            {
                return 0;
            }

            _latenciesMs.Sort();
            return _latenciesMs[Math.Min(_latenciesMs.Count - 1, (int)Math.Ceiling(quantile * _latenciesMs.Count) - 1)];
        }
    }

    /// <summary>Per kind of operation (place, read, list, pay, ship, cancel): completed, failed, and the slowest completed one.</summary>
    public IReadOnlyDictionary<string, OperationFigures> ByKind
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, OperationFigures>(_byKind, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The keys of the writes acknowledged in this stretch (by operations that began in it).</summary>
    public IReadOnlyCollection<Domain.OrderKey> WrittenKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _written];
            }
        }
    }

    internal void Wrote(Domain.OrderKey key)
    {
        lock (_gate)
        {
            _written.Add(key);
        }
    }

    internal void Completed(TimeSpan latency, string what)
    {
        Interlocked.Increment(ref _operations);
        lock (_gate)
        {
            _latenciesMs.Add(latency.TotalMilliseconds);
            var figures = _byKind.GetValueOrDefault(Kind(what));
            _byKind[Kind(what)] = figures with { Operations = figures.Operations + 1, MaxLatencyMs = Math.Max(figures.MaxLatencyMs, latency.TotalMilliseconds) };
        }
    }

    internal void Failed(string what, string description)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.CompareExchange(ref _firstProblem, description, null);
        lock (_gate)
        {
            var figures = _byKind.GetValueOrDefault(Kind(what));
            _byKind[Kind(what)] = figures with { Failures = figures.Failures + 1 };
        }
    }

    /// <summary>The operation's kind: the first word of its description ("place", "read", ...).</summary>
    private static string Kind(string what) => what.Split(' ', 2)[0] is { Length: > 0 } kind ? kind : "other";

    internal void Stale(string what)
    {
        Interlocked.Increment(ref _staleReads);
        Interlocked.CompareExchange(ref _firstProblem, what, null);
        lock (_gate)
        {
            var figures = _byKind.GetValueOrDefault(Kind(what));
            _byKind[Kind(what)] = figures with { Stale = figures.Stale + 1 };
        }
    }
}

/// <summary>What one kind of operation did in a stretch.</summary>
/// <param name="Operations">Calls that completed.</param>
/// <param name="Failures">Calls that failed or ran out of time.</param>
/// <param name="MaxLatencyMs">The slowest completed call, in milliseconds.</param>
/// <param name="Stale">Completed reads or lists that did not return the client's own last acknowledged writes.</param>
public readonly record struct OperationFigures(long Operations, long Failures, double MaxLatencyMs, long Stale = 0);
