using System.Globalization;
using DualWrite.Cli;
using DualWrite.Testing;
using k8s.Models;
using Npgsql;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// The manifests' own commands run as the kubelet would run them, against the MariaDB and PostgreSQL that
/// eng/services.sh starts: the Job's workers (every index at once) and the RBAC-free wait. Only the plan differs: the
/// mounted plan's path is swapped for a plan that names the local servers and a scratch table.
/// </summary>
public sealed class BackfillProcessTests
{
    private const int Rows = 400;
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheJobsWorkers_CompleteTheBackfill_AndThenTheStatusWaitLetsTheApplicationStart()
    {
        await using var scratch = await Scratch.CreateAsync(Rows);
        var job = Manifests.SyncJob;
        var workers = job.Spec.Completions!.Value;
        var jobName = $"{job.Metadata.GenerateName}t{Guid.NewGuid().ToString("N")[..5]}";

        var running = Enumerable.Range(0, workers).Select(index =>
        {
            var pod = $"{jobName}-{index}-{Guid.NewGuid().ToString("N")[..5]}";
            var environment = new PodEnvironment(job.Worker(), pod, Deployment.LocalSecrets(),
                new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture) });
            return (Pod: pod, Process: scratch.Start(job.Spec.Template.Spec, job.Worker(), environment));
        }).ToList();
        try
        {
            foreach (var (pod, process) in running)
            {
                var exit = await process.WaitForExitAsync($"worker {pod}", SafetyNet);
                exit.Should().Be(ExitCodes.Success, $"worker {pod} ran `{scratch.Describe(job.Worker())}`; output:\n{process.Output}");
            }
        }
        finally
        {
            running.ForEach(r => r.Process.Dispose());
        }

        (await scratch.TargetRowsAsync()).Should().Be(Rows);

        var deployment = Manifests.Render(Repository.StatusWait).Application();
        var wait = deployment.Wait();
        using var waiting = scratch.Start(deployment.Spec.Template.Spec, wait, new PodEnvironment(wait, "orders-service-5d9c7-abcde", Deployment.LocalSecrets()));
        var waited = await waiting.WaitForExitAsync("the status wait", SafetyNet);
        waited.Should().Be(ExitCodes.Success, $"`{scratch.Describe(wait)}` on a caught-up backfill; output:\n{waiting.Output}");
    }

    [Fact]
    public async Task TheStatusWait_OnAPlanNeverBackfilled_TimesOutWithItsExitCode()
    {
        await using var scratch = await Scratch.CreateAsync(10);
        var deployment = Manifests.Render(Repository.StatusWait).Application();
        var wait = deployment.Wait();

        // The manifest's command with a short timeout instead of its 30m.
        using var waiting = scratch.Start(deployment.Spec.Template.Spec, wait, new PodEnvironment(wait, "orders-service-5d9c7-abcde", Deployment.LocalSecrets()),
            args => args.Select((a, i) => i > 0 && args[i - 1] == "--timeout" ? "3s" : a).ToList());
        var exit = await waiting.WaitForExitAsync("the status wait", SafetyNet);

        exit.Should().Be(ExitCodes.WaitTimedOut, $"nothing was backfilled; output:\n{waiting.Output}");
    }

    /// <summary>A source database with one small table, a target schema, and a plan over both, dropped afterwards.</summary>
    private sealed class Scratch : IAsyncDisposable
    {
        private readonly string _database;
        private readonly string _schema;
        private readonly string _planDirectory;

        private Scratch(string database, string schema, string planDirectory) => (_database, _schema, _planDirectory) = (database, schema, planDirectory);

        public static async Task<Scratch> CreateAsync(int rows)
        {
            MariaDbServer.EnsureReachable();
            PostgreSqlServer.EnsureReachable();
            var database = await MariaDbServer.CreateScratchDatabaseAsync("deploy");
            var schema = $"deploy_{Guid.NewGuid():N}"[..24];
            var values = string.Join(",", Enumerable.Range(1, rows).Select(i => string.Create(CultureInfo.InvariantCulture, $"({i}, 'item {i}', {i % 7})")));
            await MariaDbServer.ExecuteAsync(
                $"CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL); INSERT INTO items VALUES {values}", database);
            await using (var target = PostgreSqlServer.CreateDataSource())
            {
                await target.CreateCommand($"CREATE SCHEMA \"{schema}\"").ExecuteNonQueryAsync();
            }

            // The plan's own variables for the passwords (the manifests' env), with the local servers and scratch names.
            var plan = Deployment.Plan();
            var (key, _) = Manifests.Render(Repository.Base).Plan();
            var directory = Directory.CreateTempSubdirectory("dualwrite-deploy-plan-").FullName;
            await File.WriteAllTextAsync(Path.Combine(directory, key), $$"""
                name: {{schema}}
                source:
                  host: {{MariaDbServer.Host}}
                  port: {{MariaDbServer.Port}}
                  user: {{MariaDbServer.User}}
                  passwordEnv: {{plan.Source.PasswordEnv}}
                  database: {{database}}
                target:
                  host: {{PostgreSqlServer.Host}}
                  port: {{PostgreSqlServer.Port}}
                  user: {{PostgreSqlServer.User}}
                  passwordEnv: {{plan.Target.PasswordEnv}}
                  database: {{PostgreSqlServer.Database}}
                  schema: {{schema}}
                backfill: { chunkSize: 50, parallelism: 2 }
                cdc: { batchSize: 1000, lagBound: 1s }
                ddl: stop
                entities:
                  - table: items
                """);
            return new Scratch(database, schema, directory);
        }

        /// <summary>
        /// Starts <paramref name="container"/> of <paramref name="spec"/> as its pod would: the image's entrypoint (the CLI,
        /// run here as `dotnet dualwrite.dll`) with its args expanded, its env and nothing else of ours, the plan mount
        /// swapped for the scratch plan.
        /// </summary>
        public CliProcess Start(V1PodSpec spec, V1Container container, PodEnvironment environment, Func<IReadOnlyList<string>, IReadOnlyList<string>>? adjust = null)
        {
            var args = Arguments(spec, container, environment);
            return CliProcess.StartCommand([.. Entrypoint(container), .. adjust?.Invoke(args) ?? args], environment.Variables, _planDirectory);
        }

        public string Describe(V1Container container) => string.Join(' ', container.Args);

        public async Task<long> TargetRowsAsync()
        {
            await using var target = PostgreSqlServer.CreateDataSource();
            return (long)(await target.CreateCommand($"SELECT count(*) FROM \"{_schema}\".items").ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await MariaDbServer.DropDatabaseAsync(_database);
            await using (var target = PostgreSqlServer.CreateDataSource())
            {
                await target.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE").ExecuteNonQueryAsync();
            }

            Directory.Delete(_planDirectory, recursive: true);
        }

        private static IReadOnlyList<string> Entrypoint(V1Container container)
        {
            container.Command.Should().BeNull($"{container.Name} runs the image's entrypoint");
            var entrypoint = Deployment.Dockerfile.Final.Last("ENTRYPOINT")!.ExecForm!;
            entrypoint.Should().ContainSingle().Which.Should().Be("/app/dualwrite");
            return ["dotnet", Repository.CliDll];
        }

        private List<string> Arguments(V1PodSpec spec, V1Container container, PodEnvironment environment)
        {
            var mount = Deployment.PlanMountPath(spec, container);
            return container.Args.Select(environment.Expand)
                .Select(a => a.StartsWith(mount + "/", StringComparison.Ordinal) ? Path.Combine(_planDirectory, a[(mount.Length + 1)..]) : a)
                .ToList();
        }
    }
}
