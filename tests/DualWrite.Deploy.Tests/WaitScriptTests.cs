using System.Text.Json.Nodes;
using DualWrite.Testing;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// The base's kubectl-wait initContainer, run as the kubelet would run it (its command, args and env from the rendered
/// manifest) with a kubectl on PATH that answers like kubectl against an API server holding the given Jobs.
/// </summary>
public sealed class WaitScriptTests
{
    private static readonly V1Container Wait = Manifests.Render(Repository.Base).Application().Wait();

    [Fact]
    public async Task PicksTheNewestSyncJob_ByCreationTime_AndWaitsForItToComplete()
    {
        // In the API's order (by name) the newest is neither first nor last; an older one failed, another is not ours.
        IReadOnlyList<JsonObject> jobs =
        [
            SyncJob("dualwrite-sync-a1b2c", "2026-03-01T10:00:00Z", "Complete"),
            SyncJob("dualwrite-sync-m4n5p", "2026-03-03T09:30:00Z", "Complete"),
            SyncJob("dualwrite-sync-z9y8x", "2026-03-02T11:00:00Z", "Failed"),
            Job("other-sync-zzzzz", "2026-03-04T00:00:00Z", "Complete", new JsonObject { ["component"] = "sync" }),
        ];
        await using var kubectl = new KubectlStub(_ => jobs);

        var (exit, output) = await RunAsync(kubectl);

        exit.Should().Be(0, output);
        kubectl.Calls.Should().HaveCount(2, output);
        kubectl.Calls[0].Take(2).Should().Equal("get", "jobs");
        var waitCall = kubectl.Calls[1];
        waitCall.Should().Equal("wait", "--for=condition=complete", "job/dualwrite-sync-m4n5p", "--timeout=30m");
        output.Should().Contain("job.batch/dualwrite-sync-m4n5p condition met");
    }

    [Fact]
    public async Task BeforeAnySyncJobExists_LooksAgainUntilOneIs()
    {
        IReadOnlyList<JsonObject> later = [SyncJob("dualwrite-sync-k3j4h", "2026-03-05T08:00:00Z", "Complete")];
        await using var kubectl = new KubectlStub(get => get < 3 ? [] : later);

        var (exit, output) = await RunAsync(kubectl, ("POLL_SECONDS", "0.1"));

        exit.Should().Be(0, output);
        kubectl.Calls.Select(c => c[0]).Should().Equal("get", "get", "get", "wait");
        kubectl.Calls[^1].Should().Contain("job/dualwrite-sync-k3j4h");
        output.Should().Contain("no Job matches app.kubernetes.io/name=dualwrite,component=sync yet");
    }

    [Fact]
    public async Task WhenTheNewestJobDoesNotComplete_FailsTheInitContainer_SoTheKubeletRunsItAgain()
    {
        IReadOnlyList<JsonObject> jobs =
        [
            SyncJob("dualwrite-sync-a1b2c", "2026-03-01T10:00:00Z", "Complete"),
            SyncJob("dualwrite-sync-b2c3d", "2026-03-06T10:00:00Z", "Failed"),
        ];
        await using var kubectl = new KubectlStub(_ => jobs);

        var (exit, output) = await RunAsync(kubectl);

        exit.Should().NotBe(0, "the application must not start on an older sync when the newest did not complete");
        kubectl.Calls[^1].Should().Contain("job/dualwrite-sync-b2c3d");
        output.Should().Contain("timed out waiting for the condition");
    }

    [Fact]
    public void Emulator_RefusesTheLastItemSliceOfAnEmptyList_AsKubectlDoes()
    {
        // Why the script lists every name and keeps the last line instead of asking for {.items[-1:]}.
        var answer = KubectlEmulator.Run(["get", "jobs", "--output=jsonpath={.items[-1:].metadata.name}"], []);

        answer.ExitCode.Should().Be(1);
        answer.Error.Should().Contain("array index out of bounds");
        KubectlEmulator.Run(["get", "jobs", "-o", "jsonpath={.items[-1:].metadata.name}"], [SyncJob("a", "2026-01-01T00:00:00Z", "Complete")])
            .Output.Should().Be("a");
    }

    private static async Task<(int Exit, string Output)> RunAsync(KubectlStub kubectl, params (string Name, string Value)[] overrides)
    {
        var pod = new PodEnvironment(Wait, "orders-service-5d9c7-abcde", Deployment.LocalSecrets());
        var environment = new Dictionary<string, string>(pod.Variables, StringComparer.Ordinal)
        {
            ["PATH"] = $"{kubectl.Directory}:/usr/local/bin:/usr/bin:/bin",
            ["KUBECTL_STUB_DIR"] = kubectl.Directory,
            ["HOME"] = kubectl.Directory,
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        string[] command = [.. Wait.Command.Select(pod.Expand), .. Wait.Args.Select(pod.Expand)];
        using var script = CliProcess.StartCommand(command, environment, kubectl.Directory);
        var exit = await script.WaitForExitAsync("the wait initContainer's script", TimeSpan.FromSeconds(60));
        return (exit, script.Output);
    }

    private static JsonObject SyncJob(string name, string created, string condition) =>
        Job(name, created, condition, new JsonObject { ["app.kubernetes.io/name"] = "dualwrite", ["component"] = "sync" });

    private static JsonObject Job(string name, string created, string condition, JsonObject labels) => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "shop", ["creationTimestamp"] = created, ["labels"] = labels },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = condition, ["status"] = "True", ["lastTransitionTime"] = created }),
        },
    };
}
