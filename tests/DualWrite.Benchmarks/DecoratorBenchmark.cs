using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Benchmarks;

/// <summary>
/// The decorator's cost per call: each phase's decorated get and upsert against the same call made directly on
/// the store that phase routes to, over in-memory stores so the figures are the decorator's own. The decorator runs
/// as an application would configure it: metrics, objective windows and 1% shadow reads on.
/// </summary>
[MemoryDiagnoser]
[InProcess]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DecoratorBenchmark
{
    private const int Keys = 1024;

    private InMemoryVersionedStore<long, string> _old = null!;
    private InMemoryVersionedStore<long, string> _new = null!;
    private IVersionedStore<long, string> _direct = null!;
    private DualWriteStore<long, string> _decorated = null!;
    private DualWriteMetrics _metrics = null!;
    private long _version;
    private long _key;

    [Params(MigrationPhase.OldOnly, MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew, MigrationPhase.NewOnly)]
    public MigrationPhase Phase { get; set; }

    public static int Run(string[] args)
    {
        var summary = BenchmarkSwitcher.FromTypes([typeof(DecoratorBenchmark)]).Run(args.Contains("--filter") ? args : [.. args, "--filter", "*"]);
        return summary.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _old = new();
        _new = new();
        for (var key = 0; key < Keys; key++)
        {
            var record = new VersionedRecord<long, string>(key, 1, "value");
            _old.UpsertAsync(record, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            _new.UpsertAsync(record, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        _version = 1;
        _metrics = new DualWriteMetrics();
        _decorated = new DualWriteStore<long, string>("orders", _old, _new, new InMemoryPhaseSource(Phase), new InMemoryRepairLog<long>(), new()
        {
            Metrics = _metrics,
            Objectives = new SloMonitor().Register("orders", new AutoRollbackOptions()),
        });
        _direct = Phase.Routing().WriteAuthority == StoreRole.Old ? _old : _new;
    }

    [GlobalCleanup]
    public void Cleanup() => _metrics.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("get")]
    public ValueTask<VersionedRecord<long, string>?> DirectGet() => _direct.GetAsync(NextKey(), CancellationToken.None);

    [Benchmark, BenchmarkCategory("get")]
    public ValueTask<VersionedRecord<long, string>?> DecoratedGet() => _decorated.GetAsync(NextKey(), CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("upsert")]
    public ValueTask<WriteResult> DirectUpsert() => _direct.UpsertAsync(NextRecord(), CancellationToken.None);

    [Benchmark, BenchmarkCategory("upsert")]
    public ValueTask<WriteResult> DecoratedUpsert() => _decorated.UpsertAsync(NextRecord(), CancellationToken.None);

    private long NextKey() => ++_key % Keys;

    private VersionedRecord<long, string> NextRecord() => new(NextKey(), ++_version, "value");
}
