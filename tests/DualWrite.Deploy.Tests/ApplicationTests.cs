using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>The application example: its two ways of waiting for the backfill, the RBAC of the first, and the pods' security.</summary>
public sealed class ApplicationTests
{
    private static IReadOnlyList<object> Base => Manifests.Render(Repository.Base);

    private static IReadOnlyList<object> StatusWait => Manifests.Render(Repository.StatusWait);

    [Fact]
    public void Base_WaitsWithKubectl_ForTheNewestSyncJobToComplete()
    {
        var wait = Base.Application().Wait();

        wait.Image.Should().StartWith(Deployment.KubectlWaitImage + ":");
        wait.Command.Should().Equal("/bin/sh", "-c");
        var script = wait.Args.Should().ContainSingle().Subject;
        script.Should().Contain("kubectl get jobs").And.Contain("--sort-by=.metadata.creationTimestamp")
            .And.Contain("kubectl wait --for=condition=complete \"job/$job\"");
        new PodEnvironment(wait, "pod", Deployment.LocalSecrets()).Expand(script).Should().Be(script, "the kubelet must find no $(VAR) to expand in it");
    }

    [Fact]
    public void Role_GrantsExactlyWhatKubectlWaitNeeds()
    {
        var role = Base.One<V1Role>();

        var rule = role.Rules.Should().ContainSingle().Subject;
        rule.ApiGroups.Should().Equal("batch");
        rule.Resources.Should().Equal("jobs");
        rule.Verbs.Should().BeEquivalentTo("get", "list", "watch");
        rule.ResourceNames.Should().BeNull();
        rule.NonResourceURLs.Should().BeNull();
    }

    [Fact]
    public void RoleBinding_GivesTheRoleToTheApplicationsServiceAccount_WhoseTokenOnlyTheWaitMounts()
    {
        var binding = Base.One<V1RoleBinding>();
        var account = Base.One<V1ServiceAccount>();
        var spec = Base.Application().Spec.Template.Spec;

        (binding.RoleRef.ApiGroup, binding.RoleRef.Kind, binding.RoleRef.Name).Should().Be(("rbac.authorization.k8s.io", "Role", Base.One<V1Role>().Metadata.Name));
        var subject = binding.Subjects.Should().ContainSingle().Subject;
        (subject.Kind, subject.Name).Should().Be(("ServiceAccount", account.Metadata.Name));
        spec.ServiceAccountName.Should().Be(account.Metadata.Name);

        spec.AutomountServiceAccountToken.Should().BeFalse();
        var token = spec.Volumes.Single(v => v.Projected?.Sources.Any(s => s.ServiceAccountToken is not null) == true);
        spec.AllContainers().Where(c => c.VolumeMounts?.Any(m => m.Name == token.Name) == true).Select(c => c.Name)
            .Should().Equal(Base.Application().Wait().Name);
        Base.Application().Wait().VolumeMounts.Single(m => m.Name == token.Name).MountPath
            .Should().Be("/var/run/secrets/kubernetes.io/serviceaccount", "where kubectl looks for its in-cluster credentials");
    }

    [Fact]
    public void StatusWait_WaitsWithTheCli_AndNeedsNoApiAccess()
    {
        var deployment = StatusWait.Application();
        var wait = deployment.Wait();
        var spec = deployment.Spec.Template.Spec;
        var (key, _) = StatusWait.Plan();

        wait.RunsCli().Should().BeTrue();
        wait.Command.Should().BeNull();
        wait.Args.Should().Equal("backfill", "status", "--plan", $"{Deployment.PlanMountPath(spec, wait)}/{key}", "--wait", "caught-up", "--timeout", "30m");
        StatusWait.OfType<V1Role>().Should().BeEmpty();
        StatusWait.OfType<V1RoleBinding>().Should().BeEmpty();
        StatusWait.OfType<V1ServiceAccount>().Should().BeEmpty();
        spec.ServiceAccountName.Should().BeNull();
        spec.AutomountServiceAccountToken.Should().BeFalse();
        spec.Volumes.Should().NotContain(v => v.Projected != null);
    }

    [Fact]
    public void StatusWait_ReadsTheTargetsPasswordOnly_AsTheVariableThePlanNames()
    {
        var plan = Deployment.Plan();
        var env = StatusWait.Application().Wait().Env;

        // backfill status reads the target only; the application's pods never get the source's (replication) password.
        env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.Name).Should().Equal(plan.Target.PasswordEnv);
        env.Where(e => e.Name.Contains("PASSWORD", StringComparison.Ordinal)).Should().OnlyContain(e => e.Value == null);
    }

    [Fact]
    public void BothVariants_KeepTheSameApplicationContainer()
    {
        StatusWait.Application().Spec.Template.Spec.Containers.Should().BeEquivalentTo(Base.Application().Spec.Template.Spec.Containers);
    }

    [Fact]
    public void EveryPod_RunsAsNonRoot_OnAReadOnlyRootFileSystem_WithNoPrivileges()
    {
        foreach (var (where, spec) in Deployment.PodSpecs())
        {
            spec.SecurityContext.RunAsNonRoot.Should().BeTrue(where);
            spec.SecurityContext.RunAsUser.Should().BePositive(where);
            spec.SecurityContext.SeccompProfile.Type.Should().Be("RuntimeDefault", where);
            spec.HostNetwork.Should().NotBe(true, where);
            foreach (var container in spec.AllContainers())
            {
                var context = container.SecurityContext;
                var what = $"{where}: container {container.Name}";
                context.Should().NotBeNull(what);
                context.AllowPrivilegeEscalation.Should().BeFalse(what);
                context.ReadOnlyRootFilesystem.Should().BeTrue(what);
                context.Capabilities.Drop.Should().Equal(["ALL"], what);
                context.Privileged.Should().NotBe(true, what);
                (context.RunAsUser ?? spec.SecurityContext.RunAsUser).Should().NotBe(0, what);
                container.Resources.Limits.Should().ContainKey("memory", what);
                container.Resources.Requests.Should().ContainKeys(["cpu", "memory"], what);
                container.VolumeMounts.Should().Contain(m => m.MountPath == "/tmp", $"{what} writes its temporary files to an emptyDir");
            }
        }
    }

    [Fact]
    public void CliContainers_RunAsTheImagesUser()
    {
        // The chiseled .NET images' non-root user `app`, which owns nothing the CLI writes: only /tmp is writable.
        foreach (var (where, spec) in Deployment.PodSpecs().Where(p => p.Spec.AllContainers().Any(c => c.RunsCli())))
        {
            spec.SecurityContext.RunAsUser.Should().Be(1654, where);
        }
    }
}
