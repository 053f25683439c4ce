using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Tests.Binlog.Events;

/// <summary>
/// Mutation fuzzing of <see cref="BinlogEventDecoder"/> over the recorded events: byte flips, truncations, extensions,
/// length-field and type corruptions, with and without a re-computed CRC so the damage reaches the parsers. The
/// decoder may succeed or throw a BinlogCorrupt/BinlogUnsupported <see cref="BinlogException"/>; anything else, or a
/// decode slower than the limit, is a failure. Shared by the unit test and the benchmark harness (fuzz-binlog).
/// </summary>
internal static class BinlogMutator
{
    private static readonly ulong[] InterestingValues =
        [0, 1, 2, 0x7F, 0x80, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0x7FFF, 0xFFFF, 0xFFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, ulong.MaxValue, 1UL << 40];

    private static readonly byte[] EventTypes =
        [2, 3, 4, 15, 16, 19, 23, 24, 25, 27, 29, 30, 31, 32, 33, 34, 35, 39, 40, 41, 42, 160, 161, 162, 163, 164, 165, 200];

    /// <summary>One recorded event sequence (a file, or the replication packets of a stream).</summary>
    public sealed record EventStream(string Name, IReadOnlyList<byte[]> Events, bool Checksummed);

    public sealed record Outcome(int Decoded, int Corrupt, int Unsupported, IReadOnlyList<string> Failures, TimeSpan Slowest);

    public static List<EventStream> LoadCorpus()
    {
        var corpus = BinlogFixtures.Files
            .Select(f => new EventStream(f, BinlogFixtures.Events(f), f != BinlogFixtures.ChecksumNone))
            .ToList();
        corpus.Add(new EventStream(BinlogFixtures.ZongjiJson, BinlogFixtures.ZongjiEvents(), true));
        return corpus;
    }

    /// <summary>A decoder in the state it has just before event <paramref name="index"/>: its format and table maps.</summary>
    public static BinlogEventDecoder Prime(EventStream stream, int index, Func<BinlogEventDecoder> newDecoder)
    {
        var decoder = newDecoder();
        decoder.ChecksumBeforeFormat = stream.Checksummed;
        var start = 0;
        for (var i = index - 1; i >= 0; i--)
        {
            if (stream.Events[i][4] == (byte)BinlogEventType.FormatDescription)
            {
                start = i;
                break;
            }
        }

        for (var i = start; i < index; i++)
        {
            if (stream.Events[i][4] is (byte)BinlogEventType.FormatDescription or (byte)BinlogEventType.TableMap)
            {
                decoder.Decode(stream.Events[i]);
            }
        }

        return decoder;
    }

    public static Outcome Run(int iterations, int seed, Func<BinlogEventDecoder> newDecoder, TimeSpan perDecodeLimit, List<EventStream>? corpus = null)
    {
        corpus ??= LoadCorpus();
        var random = new Random(seed);
        var failures = new List<string>();
        int decoded = 0, corrupt = 0, unsupported = 0;
        var slowest = TimeSpan.Zero;
        var stopwatch = new Stopwatch();
        for (var i = 0; i < iterations; i++)
        {
            var stream = corpus[random.Next(corpus.Count)];
            var index = random.Next(stream.Events.Count);
            BinlogEventDecoder decoder;
            try
            {
                decoder = Prime(stream, index, newDecoder);
            }
#pragma warning disable CA1031 // the recorded events must decode; report whatever stops them
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"#{i} {stream.Name}: the unmutated events before event {index} do not decode: {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            decoder.VerifyChecksums = random.Next(2) == 0;
            decoder.MaxTransactionPayloadSize = 1 << 20;
            var original = stream.Events[index];
            var mutated = Mutate(original, random, out var description);
            if (stream.Checksummed && mutated.Length >= 23 && random.Next(2) == 0)
            {
                Reseal(mutated);
                description += ", CRC re-computed";
            }

            var what = string.Create(CultureInfo.InvariantCulture,
                $"#{i} {stream.Name} event {index} ({(BinlogEventType)original[4]}): {description}, verify={decoder.VerifyChecksums}");
            stopwatch.Restart();
            try
            {
                decoder.Decode(mutated);
                decoded++;
            }
            catch (BinlogException ex) when (ex.Kind == BinlogErrorKind.BinlogCorrupt)
            {
                corrupt++;
            }
            catch (BinlogException ex) when (ex.Kind == BinlogErrorKind.BinlogUnsupported)
            {
                unsupported++;
            }
#pragma warning disable CA1031 // the fuzzer reports whatever else escapes
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}\n  bytes {Convert.ToHexString(mutated)}");
            }

            stopwatch.Stop();
            if (stopwatch.Elapsed > slowest)
            {
                slowest = stopwatch.Elapsed;
            }

            if (stopwatch.Elapsed > perDecodeLimit)
            {
                failures.Add($"{what}: took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
            }
        }

        return new Outcome(decoded, corrupt, unsupported, failures, slowest);
    }

    public static byte[] Mutate(byte[] original, Random random, out string description)
    {
        var e = (byte[])original.Clone();
        switch (random.Next(7))
        {
            case 0:
            {
                var p = random.Next(e.Length);
                e[p] ^= (byte)random.Next(1, 256);
                description = $"flip at {p}";
                return e;
            }

            case 1:
            {
                var flips = random.Next(2, 9);
                for (var k = 0; k < flips; k++)
                {
                    e[random.Next(e.Length)] ^= (byte)random.Next(1, 256);
                }

                description = $"{flips} flips";
                return e;
            }

            case 2:
            {
                var length = random.Next(e.Length);
                var cut = e[..length];
                var fix = length >= 13 && random.Next(2) == 0;
                if (fix)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(9), (uint)length);
                }

                description = $"truncated to {length}{(fix ? " with size fixed" : string.Empty)}";
                return cut;
            }

            case 3:
            {
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                var longer = e.Concat(extra).ToArray();
                BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(9), (uint)longer.Length);
                description = $"{extra.Length} byte(s) appended";
                return longer;
            }

            case 4:
            {
                if (e.Length <= 20)
                {
                    goto case 0;
                }

                var width = new[] { 1, 2, 3, 4, 8 }[random.Next(5)];
                var p = random.Next(19, e.Length);
                var value = random.Next(3) == 0 ? (ulong)random.Next(e.Length * 2) : InterestingValues[random.Next(InterestingValues.Length)];
                for (var k = 0; k < width && p + k < e.Length; k++)
                {
                    e[p + k] = (byte)(value >> (8 * k));
                }

                description = $"{width}-byte value 0x{value:X} at {p}";
                return e;
            }

            case 5:
            {
                var type = EventTypes[random.Next(EventTypes.Length)];
                e[4] = type;
                description = $"type set to {type}";
                return e;
            }

            default:
            {
                if (e.Length <= 20)
                {
                    goto case 0;
                }

                var p = random.Next(19, e.Length);
                e[p] = new byte[] { 0xFB, 0xFC, 0xFD, 0xFE, 0xFF }[random.Next(5)];
                description = $"length prefix poked at {p}";
                return e;
            }
        }
    }

    /// <summary>Re-computes the trailing CRC32 the way the decoder checks it.</summary>
    public static void Reseal(byte[] e)
    {
        var body = e.AsSpan(0, e.Length - 4);
        var crc = e[4] == (byte)BinlogEventType.FormatDescription ? BinlogEventDecoder.FormatDescriptionCrc32(body) : System.IO.Hashing.Crc32.HashToUInt32(body);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(e.Length - 4), crc);
    }
}
