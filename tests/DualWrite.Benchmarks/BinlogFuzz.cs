using System.Diagnostics;
using System.Globalization;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Tests.Binlog.Events;

namespace DualWrite.Benchmarks;

/// <summary>
/// A long mutation fuzz of the binlog event decoder over the recorded fixtures (the unit suite runs 20,000
/// iterations of the same engine). Exits 1 when anything but a BinlogCorrupt/BinlogUnsupported error escapes, or a
/// decode takes longer than a second; each failure line names the batch seed that reproduces it.
/// </summary>
internal static class BinlogFuzz
{
    private const int BatchSize = 10_000;

    public static int Run(string[] args)
    {
        var iterations = LongOption(args, "--iterations", 1_000_000);
        var seed = (int)LongOption(args, "--seed", Environment.TickCount & int.MaxValue);
        var envelopeOnly = args.Contains("--envelope");
        Func<BinlogEventDecoder> newDecoder = envelopeOnly ? () => new BinlogEventDecoder(FakeRowCodec.ConsumeAll) : () => new BinlogEventDecoder();
        var corpus = BinlogMutator.LoadCorpus();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fuzzing the binlog decoder{(envelopeOnly ? " (envelope only, fake row decoders)" : string.Empty)}: {iterations:N0} mutations, seed {seed}, {corpus.Sum(s => s.Events.Count):N0} recorded events."));

        var total = Stopwatch.StartNew();
        long decoded = 0, corrupt = 0, unsupported = 0;
        var slowest = TimeSpan.Zero;
        var failures = 0;
        for (long done = 0, batch = 0; done < iterations; done += BatchSize, batch++)
        {
            var count = (int)Math.Min(BatchSize, iterations - done);
            var batchSeed = unchecked(seed + (int)batch);
            var outcome = BinlogMutator.Run(count, batchSeed, newDecoder, TimeSpan.FromSeconds(1), corpus);
            decoded += outcome.Decoded;
            corrupt += outcome.Corrupt;
            unsupported += outcome.Unsupported;
            slowest = outcome.Slowest > slowest ? outcome.Slowest : slowest;
            foreach (var failure in outcome.Failures.Take(Math.Max(0, 20 - failures)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAIL (reproduce: fuzz-binlog --iterations {count} --seed {batchSeed}) {failure}"));
            }

            failures += outcome.Failures.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{done + count,12:N0} done, {failures} failure(s), {(done + count) / total.Elapsed.TotalSeconds:N0}/s"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decoded {decoded:N0}, corrupt {corrupt:N0}, unsupported {unsupported:N0}, failures {failures:N0}; slowest decode {slowest.TotalMilliseconds:F1} ms; {total.Elapsed.TotalSeconds:F1} s"));
        return failures == 0 ? 0 : 1;
    }

    private static long LongOption(string[] args, string name, long fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? long.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
