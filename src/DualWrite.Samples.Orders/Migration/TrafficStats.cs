using System.Diagnostics;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>What the traffic did during one stretch of the migration (one phase).</summary>
public sealed class TrafficStats
{
    private readonly Lock _gate = new();
    private readonly List<double> _latenciesMs = [];
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

    internal void Completed(TimeSpan latency)
    {
        Interlocked.Increment(ref _operations);
        lock (_gate)
        {
            _latenciesMs.Add(latency.TotalMilliseconds);
        }
    }

    internal void Failed(string what)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.CompareExchange(ref _firstProblem, what, null);
    }

    internal void Stale(string what)
    {
        Interlocked.Increment(ref _staleReads);
        Interlocked.CompareExchange(ref _firstProblem, what, null);
    }
}
