using System.Diagnostics;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.Migration.Tests.Engine;
using DualWrite.MySql.Replication;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// One plan run of the fault campaign: a seeded table <c>t</c> under a concurrent <see cref="SourceWriter"/>, a plan
/// file for <c>dualwrite backfill run</c> (the CLI as a child process), the kill points read from the checkpoint tables,
/// and the final resume with its checks (the reconciler and the stock clients' dumps).
/// </summary>
internal sealed class FaultBackfill : IAsyncDisposable
{
    public const int ChunkSize = 500;

    /// <summary>Only a safety net: every wait ends on an observed event long before this.</summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    private readonly CancellationTokenSource _stopWriting = new();
    private readonly int _seeded;
    private readonly bool _onFaultServers;
    private Task _writing = Task.CompletedTask;

    private FaultBackfill(BackfillRig rig, string planFile, SourceWriter writer, int seeded, bool onFaultServers)
    {
        Rig = rig;
        PlanFile = planFile;
        Writer = writer;
        _seeded = seeded;
        _onFaultServers = onFaultServers;
    }

    public BackfillRig Rig { get; }
    public string PlanFile { get; }
    public SourceWriter Writer { get; }

    /// <summary>
    /// Seeds <paramref name="seeded"/> rows, writes the plan (on the fault servers when <paramref name="onFaultServers"/>)
    /// and starts the writer, which rides through server outages on the fault servers.
    /// </summary>
    public static async Task<FaultBackfill> StartAsync(string prefix, int seeded, int seed, bool onFaultServers, int maxRowsPerSecond)
    {
        var rig = onFaultServers ? await BackfillRig.CreateOnFaultServersAsync(prefix) : await BackfillRig.CreateAsync(prefix);
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, seeded);
        var planFile = await WritePlanAsync(rig, $"fault-{seed}", onFaultServers, ChunkSize, maxRowsPerSecond);
        var backfill = new FaultBackfill(rig, planFile, new SourceWriter(rig.Source, seeded, seed), seeded, onFaultServers);
        backfill._writing = backfill.Writer.RunAsync(rideThroughOutages: onFaultServers, backfill._stopWriting.Token);
        return backfill;
    }

    /// <summary>
    /// Writes a plan file over the rig's table <c>t</c> for the CLI (the passwords come from the environment
    /// <see cref="CliProcess"/> gives it) and returns its path; on the fault servers when <paramref name="onFaultServers"/>.
    /// </summary>
    public static async Task<string> WritePlanAsync(BackfillRig rig, string name, bool onFaultServers, int chunkSize, int maxRowsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var planFile = Path.Combine(Path.GetTempPath(), $"plan-{rig.Database}.yaml");
        await File.WriteAllTextAsync(planFile, $"""
            name: {name}
            source:
              host: {MariaDbServer.Host}
              port: {(onFaultServers ? MariaDbFaultServer.Port : MariaDbServer.Port)}
              user: {MariaDbServer.User}
              passwordEnv: DUALWRITE_MYSQL_PASSWORD
              database: {rig.Database}
            target:
              connectionStringEnv: {(onFaultServers ? "DUALWRITE_TEST_PG_FAULTS" : "DUALWRITE_TEST_PG")}
              schema: {rig.Schema}
            backfill: {"{"} chunkSize: {chunkSize}, parallelism: 2, maxRowsPerSecond: {maxRowsPerSecond} {"}"}
            entities:
              - table: t
            """);
        return planFile;
    }

    /// <summary>Starts <c>dualwrite backfill run --plan FILE</c>, with <c>--follow</c> when <paramref name="follow"/>.</summary>
    public CliProcess Start(bool follow) =>
        follow ? CliProcess.Start("backfill", "run", "--plan", PlanFile, "--follow") : CliProcess.Start("backfill", "run", "--plan", PlanFile);

    public Task<CheckpointState> StateAsync() => CheckpointState.ReadAsync(Rig);

    /// <summary>Waits (the CLI still running) until <paramref name="rows"/> rows are committed or the snapshot is done.</summary>
    public Task WaitForRowsAsync(CliProcess cli, decimal rows) =>
        cli.WaitForAsync(async () => await StateAsync() is var s && (s.Rows >= rows || s.SnapshotDone), $"{rows:N0} committed rows", SafetyNet);

    /// <summary>Waits (the CLI still running) until the catch-up position has moved <paramref name="moves"/> times.</summary>
    public Task WaitForCatchUpMovesAsync(CliProcess cli, int moves)
    {
        var seen = new HashSet<BinlogPosition>();
        return cli.WaitForAsync(async () => await StateAsync() is { CatchUpAt: { } p } && seen.Add(p) && seen.Count > moves, $"{moves} catch-up checkpoints", SafetyNet);
    }

    /// <summary>
    /// Runs the CLI to a random kill point (an observed checkpoint, in the snapshot or the catch-up) and kills it with
    /// SIGKILL; returns where it fell, as the checkpoint tables say after the kill.
    /// </summary>
    public async Task<string> KillAtRandomPointAsync(Random random, bool inSnapshotIfAny)
    {
        ArgumentNullException.ThrowIfNull(random);
        var before = await StateAsync();
        using var cli = Start(follow: true);
        if (!before.SnapshotDone && (inSnapshotIfAny || random.Next(2) == 0))
        {
            await WaitForRowsAsync(cli, before.Rows + (random.Next(1, 8) * ChunkSize));
        }
        else
        {
            await WaitForCatchUpMovesAsync(cli, random.Next(1, 4));
        }

        cli.Kill();
        return (await StateAsync()).SnapshotDone ? "catch-up" : "snapshot";
    }

    /// <summary>
    /// Stops the writer, resumes with <c>dualwrite backfill run</c> (no --follow: it stops once caught up), then checks
    /// both sides: the reconciler, and the stock clients' dumps. Asserts nothing: the outcome says what was found.
    /// </summary>
    public async Task<FaultOutcome> FinishAsync(Stopwatch sinceFaultEnded)
    {
        ArgumentNullException.ThrowIfNull(sinceFaultEnded);
        await _stopWriting.CancelAsync();
        await _writing;
        var copiedBefore = (await StateAsync()).Rows;
        using var cli = Start(follow: false);
        var exitCode = await cli.WaitForExitAsync("the resumed backfill to catch up and stop", SafetyNet);

        var plan = await Rig.ValidateAsync(await PlanLoader.LoadAsync(PlanFile, CancellationToken.None));
        var reconciled = (await PlanReconciler.Create(plan, Rig.SourceConnectionString, Rig.Target).RunAsync(BackfillRig.ExpectEqual, null, null, CancellationToken.None)).Entities.Single();
        var dump = await DumpComparison.RunAsync(Rig, _onFaultServers);
        var recovery = sinceFaultEnded.Elapsed;

        var copied = (await StateAsync()).Rows;
        var problems = new List<string>();
        if (exitCode != 0)
        {
            problems.Add($"the resume exited with {exitCode}: {cli.Output}");
        }

        if (!reconciled.Clean)
        {
            problems.Add("reconciler: " + BackfillRig.Describe(reconciled) + "; target versions: " +
                string.Join(", ", reconciled.Samples.Take(3).Select(d => $"{d.Key} {(d.TargetVersion is { } v ? $"file {v >> 32} offset {v & uint.MaxValue}" : "none")}")));
            if (_onFaultServers)
            {
                problems.Add(await BinlogTrace.OfKeysAsync(Rig.Database, reconciled.Samples.Select(d => d.Key.ToString()!)));
            }
        }

        if (dump.DifferingLines > 0)
        {
            problems.Add("dumps: " + dump.Output);
        }

        if (copied > _seeded + Writer.Operations)
        {
            problems.Add($"{copied:N0} rows copied for {_seeded:N0} seeded and {Writer.Operations:N0} writes: a chunk was copied twice");
        }

        return new FaultOutcome(
            problems.Count == 0,
            dump.SourceOnly,
            reconciled.Missing + reconciled.Extra + reconciled.Differing + reconciled.Lagging + dump.DifferingLines,
            recovery,
            copiedBefore,
            string.Join("; ", problems));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWriting.CancelAsync();
        try
        {
            await _writing;
        }
        finally
        {
            _stopWriting.Dispose();
            File.Delete(PlanFile);
            await Rig.DisposeAsync();
        }
    }
}

/// <summary>What the final checks of one plan run found.</summary>
/// <param name="Passed">The resume exited with 0, both checks found the sides equal and no chunk was copied twice.</param>
/// <param name="LostWrites">Acknowledged source rows missing or different in the target (the source's dump lines the target lacks).</param>
/// <param name="Differences">The reconciler's differences plus the dumps' differing lines.</param>
/// <param name="Recovery">From the fault's end to the checks finding the sides equal.</param>
/// <param name="CopiedBeforeResume">Rows the interrupted runs had committed before the final resume.</param>
/// <param name="Problems">What failed, for the assertion's message; empty when passed.</param>
internal sealed record FaultOutcome(bool Passed, long LostWrites, long Differences, TimeSpan Recovery, decimal CopiedBeforeResume, string Problems);
