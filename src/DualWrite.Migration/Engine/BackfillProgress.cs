using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace DualWrite.Migration.Engine;

/// <summary>Live figures of a backfill run: rows copied per table, and the catch-up's applied changes and lag.</summary>
public sealed class BackfillProgress
{
    private readonly ConcurrentDictionary<string, TableProgress> _tables = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<double> _lagSamples = [];
    private readonly Lock _lagGate = new();
    private long _changes;

    /// <summary>The tables being copied, by entity.</summary>
    public IReadOnlyDictionary<string, TableProgress> Tables => _tables;

    /// <summary>Row changes applied by the catch-up.</summary>
    public long ChangesApplied => Interlocked.Read(ref _changes);

    /// <summary>
    /// The latest catch-up lag: how long ago the source was last seen at a binlog position (SHOW MASTER STATUS) that the
    /// reader has since received and the target applied; every change committed before then is in the target.
    /// </summary>
    public TimeSpan Lag { get; internal set; }

    /// <summary>Whether the catch-up has kept its lag under the plan's bound long enough to call the target caught up.</summary>
    public bool CaughtUp { get; internal set; }

    /// <summary>The last binlog position applied, as text.</summary>
    public string? Position => AppliedPosition?.ToString();

    /// <summary>The binlog position up to which everything is applied: the reader's acknowledged position (the start, until the first batch).</summary>
    public DualWrite.MySql.Replication.BinlogPosition? AppliedPosition { get; internal set; }

    /// <summary>Lag of every applied batch, in milliseconds, for percentiles.</summary>
    public IReadOnlyList<double> LagSamples
    {
        get
        {
            lock (_lagGate)
            {
                return [.. _lagSamples];
            }
        }
    }

    internal TableProgress Table(string entity, string display, long estimated) =>
        _tables.GetOrAdd(entity, _ => new TableProgress(display, estimated, _clock));

    internal void AddChanges(int count, TimeSpan lag)
    {
        Interlocked.Add(ref _changes, count);
        lock (_lagGate)
        {
            _lagSamples.Add(lag.TotalMilliseconds);
        }
    }

    /// <summary>A one-line summary per table (while the catch-up runs, only with <paramref name="tables"/>), then the catch-up's line once it runs.</summary>
    public IEnumerable<string> Describe(bool tables = true)
    {
        foreach (var table in _tables.Values.Where(_ => tables || Position is null).OrderBy(t => t.Display, StringComparer.Ordinal))
        {
            yield return table.Describe();
        }

        if (Position is not null)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"catch-up: {ChangesApplied:N0} changes applied, lag {Lag.TotalMilliseconds:0} ms at {Position}{(CaughtUp ? " — caught up" : "")}");
        }
    }
}

/// <summary>One table's snapshot figures.</summary>
public sealed class TableProgress
{
    private readonly Stopwatch _clock;
    private readonly TimeSpan _started;
    private long _rows;

    internal TableProgress(string display, long estimated, Stopwatch clock)
    {
        Display = display;
        EstimatedRows = estimated;
        _clock = clock;
        _started = clock.Elapsed;
    }

    /// <summary>Source → target.</summary>
    public string Display { get; }

    /// <summary>The server's row estimate at the start.</summary>
    public long EstimatedRows { get; }

    /// <summary>Rows copied (this run and earlier runs).</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Rows copied by earlier runs, counted once at resume.</summary>
    public long ResumedRows { get; internal set; }

    /// <summary>Whether every range is done.</summary>
    public bool Done { get; internal set; }

    /// <summary>How long this run has copied the table.</summary>
    public TimeSpan Elapsed => (FinishedAt ?? _clock.Elapsed) - _started;

    internal TimeSpan? FinishedAt { get; set; }

    internal void Add(long rows) => Interlocked.Add(ref _rows, rows);

    internal void Finish()
    {
        if (Done)
        {
            return;
        }

        FinishedAt = _clock.Elapsed;
        Done = true;
    }

    /// <summary>Rows per second in this run.</summary>
    public double RowsPerSecond => (Rows - ResumedRows) / Math.Max(Elapsed.TotalSeconds, 0.001);

    internal string Describe()
    {
        var rows = Rows;
        var rate = RowsPerSecond;
        if (Done && rows == ResumedRows)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Display}: {rows:N0} rows copied by an earlier run — done");
        }

        if (Done)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Display}: {rows:N0} rows copied in {Elapsed.TotalSeconds:0.0} s ({rate:N0} rows/s) — done");
        }

        var share = EstimatedRows > 0 ? Math.Min(rows * 100.0 / EstimatedRows, 99.9) : 0;
        var eta = rate > 0 && EstimatedRows > rows ? TimeSpan.FromSeconds((EstimatedRows - rows) / rate) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture, $"{Display}: {rows:N0} / ~{EstimatedRows:N0} rows ({share:0}%), {rate:N0} rows/s, ETA {eta:mm\\:ss}");
    }
}
