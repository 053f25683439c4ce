using DualWrite.Cli;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>The backfill Job (deploy/kubernetes/sync-job.yaml): workers, failure policy, secrets, stop, resources.</summary>
public sealed class SyncJobTests
{
    private static readonly V1Job Job = Manifests.SyncJob;

    [Fact]
    public void IsAnIndexedJob_OfSeveralWorkersAtOnce_LabelledAsTheSyncTheApplicationWaitsFor()
    {
        Job.Spec.CompletionMode.Should().Be("Indexed");
        Job.Spec.Completions.Should().BeGreaterThan(1);
        Job.Spec.Parallelism.Should().Be(Job.Spec.Completions, "every worker runs from the start");
        Job.Metadata.Labels.Should().Contain("component", "sync");
        Job.Spec.Template.Metadata.Labels.Should().Contain("component", "sync");

        var selector = new PodEnvironment(Manifests.Render(Repository.Base).Application().Wait(), "pod", Deployment.LocalSecrets()).Variables["SYNC_SELECTOR"];
        foreach (var requirement in selector.Split(','))
        {
            var (key, value) = (requirement.Split('=')[0], requirement.Split('=')[1]);
            Job.Metadata.Labels.Should().Contain(key, value, "the application's kubectl-wait selects the Job by {0}", selector);
        }
    }

    [Fact]
    public void PodFailurePolicy_FailsTheJob_OnTheExitCodesNoRetryCanFix()
    {
        var rule = Job.Spec.PodFailurePolicy.Rules.Where(r => r.Action == "FailJob").Should().ContainSingle().Subject;

        rule.OnExitCodes.ContainerName.Should().Be(Job.Worker().Name);
        rule.OnExitCodes.OperatorProperty.Should().Be("In");
        rule.OnExitCodes.Values.Should().Contain(
            [ExitCodes.ResnapshotNeeded, ExitCodes.BackfillStopped, ExitCodes.InvalidPlan, ExitCodes.InvalidArguments, ExitCodes.RequirementNotMet]);
        rule.OnExitCodes.Values.Should().NotContain(
            [ExitCodes.Success, ExitCodes.Failure, ExitCodes.ConnectionFailed, ExitCodes.ServerError, ExitCodes.BinlogCorrupt, ExitCodes.Stopped],
            "an outage, a server error, a damaged read in flight or a SIGTERM stop may pass: those count against backoffLimit and are retried, and a retry resumes");
    }

    [Fact]
    public void PodFailurePolicy_IgnoresDisruptions_AndCountsEverythingElse()
    {
        var rules = Job.Spec.PodFailurePolicy.Rules;

        var ignore = rules.Where(r => r.Action == "Ignore").Should().ContainSingle().Subject;
        ignore.OnExitCodes.Should().BeNull();
        ignore.OnPodConditions.Should().ContainSingle(c => c.Type == "DisruptionTarget");
        rules.Select(r => r.Action).Should().OnlyContain(a => a == "FailJob" || a == "Ignore", "the rest falls to the default: Count");
        // backoffLimit counts the failures of all workers together, and an outage fails them all at once.
        Job.Spec.Completions.Should().NotBeNull();
        Job.Spec.BackoffLimit.Should().BeGreaterThanOrEqualTo(Job.Spec.Completions!.Value * 3, "every worker can be retried a few times");
        Job.Spec.Template.Spec.RestartPolicy.Should().Be("Never", "the API requires it with a podFailurePolicy");
    }

    [Fact]
    public void Worker_RunsTheBackfillAsAWorker_OfThePlanTheConfigMapMounts()
    {
        var worker = Job.Worker();
        var spec = Job.Spec.Template.Spec;
        var (key, _) = Manifests.Render(Repository.Base).Plan();

        worker.RunsCli().Should().BeTrue();
        worker.Command.Should().BeNull("the image's entrypoint is the CLI");
        worker.Args.Take(2).Should().Equal("backfill", "run");
        worker.Args.Should().Contain("--worker");
        worker.Args.SkipWhile(a => a != "--plan").Skip(1).First().Should().Be($"{Deployment.PlanMountPath(spec, worker)}/{key}");
        worker.Args.Should().NotContain("--follow", "the Job completes once caught up, which the application waits for");
        worker.Args.Should().NotContain("--resnapshot", "a retried worker resumes from the checkpoints instead of dropping them");
    }

    [Fact]
    public void WorkerId_IsThePodsName_SoEveryWorkerOfEveryJobAndRetryHasItsOwn()
    {
        var worker = Job.Worker();
        string IdOf(string pod) => new PodEnvironment(worker, pod, Deployment.LocalSecrets()).Expand(worker.Args.SkipWhile(a => a != "--worker-id").Skip(1).First());

        IdOf("dualwrite-sync-x7k2p-0-abcde").Should().Be("dualwrite-sync-x7k2p-0-abcde");
        new[] { "dualwrite-sync-x7k2p-0-abcde", "dualwrite-sync-x7k2p-1-fghij", "dualwrite-sync-q9w8e-0-abcde" }
            .Select(IdOf).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Passwords_ComeFromTheSecret_AsTheVariablesThePlanNames()
    {
        var plan = Deployment.Plan();
        var fromSecrets = Job.Worker().Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).ToList();

        fromSecrets.Select(e => e.Name).Should().BeEquivalentTo(plan.Source.PasswordEnv, plan.Target.PasswordEnv);
        Job.Worker().Env.Where(e => e.Name.Contains("PASSWORD", StringComparison.Ordinal)).Should().OnlyContain(e => e.Value == null);
        Job.Worker().EnvFrom.Should().BeNull();
    }

    [Fact]
    public void GracePeriod_OutlastsTheClisOwnStopBound_SoSigtermEndsCleanlyBeforeSigkill()
    {
        var grace = TimeSpan.FromSeconds(Job.Spec.Template.Spec.TerminationGracePeriodSeconds!.Value);

        grace.Should().BeGreaterThanOrEqualTo(Program.ShutdownBound + TimeSpan.FromSeconds(5), "the process needs a moment to exit after its command stopped");
        grace.Should().BeLessThanOrEqualTo(TimeSpan.FromMinutes(5), "a node drain waits this long for the pod");
    }

    [Fact]
    public void Worker_HasRequestsAndLimits()
    {
        var resources = Job.Worker().Resources;

        resources.Requests.Keys.Should().BeEquivalentTo("cpu", "memory");
        resources.Limits.Keys.Should().BeEquivalentTo("cpu", "memory");
        resources.Limits["memory"].ToDecimal().Should().BeGreaterThanOrEqualTo(resources.Requests["memory"].ToDecimal());
        resources.Limits["cpu"].ToDecimal().Should().BeGreaterThanOrEqualTo(resources.Requests["cpu"].ToDecimal());
    }

    [Fact]
    public void Pods_GetNoApiToken()
    {
        Job.Spec.Template.Spec.AutomountServiceAccountToken.Should().BeFalse();
    }
}
