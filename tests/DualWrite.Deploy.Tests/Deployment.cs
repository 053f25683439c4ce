using DualWrite.Migration.Plans;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>The deployment's parts the tests look at, by what they are rather than where they are written.</summary>
internal static class Deployment
{
    /// <summary>The repository of the CLI's image in the manifests (deploy/Dockerfile, target cli).</summary>
    public const string CliImage = "registry.example.com/dualwrite";

    /// <summary>The repository of the kubectl-wait image (deploy/Dockerfile, target kubectl-wait).</summary>
    public const string KubectlWaitImage = "registry.example.com/dualwrite-kubectl-wait";

    public static DockerfileModel Dockerfile => DockerfileModel.Parse(File.ReadAllText(Repository.Dockerfile));

    /// <summary>The Job's worker container.</summary>
    public static V1Container Worker(this V1Job job) => job.Spec.Template.Spec.Containers.Should().ContainSingle().Subject;

    /// <summary>The application Deployment of a rendered kustomization.</summary>
    public static V1Deployment Application(this IReadOnlyList<object> objects) => objects.One<V1Deployment>();

    /// <summary>The application's one initContainer.</summary>
    public static V1Container Wait(this V1Deployment deployment) => deployment.Spec.Template.Spec.InitContainers.Should().ContainSingle().Subject;

    public static bool RunsCli(this V1Container container) => container.Image.StartsWith(CliImage + ":", StringComparison.Ordinal);

    /// <summary>Every pod template the deployment creates: the Job's, and the application's of each kustomization.</summary>
    public static IEnumerable<(string Where, V1PodSpec Spec)> PodSpecs()
    {
        yield return ("sync-job.yaml", Manifests.SyncJob.Spec.Template.Spec);
        foreach (var directory in Repository.Kustomizations())
        {
            foreach (var deployment in Manifests.Render(directory).OfType<V1Deployment>())
            {
                yield return ($"{Path.GetRelativePath(Repository.Kubernetes, directory)}: Deployment {deployment.Metadata.Name}", deployment.Spec.Template.Spec);
            }
        }
    }

    /// <summary>The plan the ConfigMap of the base carries, parsed by the product's plan parser.</summary>
    public static MigrationPlan Plan()
    {
        var (key, text) = Manifests.Render(Repository.Base).Plan();
        return PlanLoader.Parse(text, key);
    }

    /// <summary>Where the plan ConfigMap is mounted in <paramref name="container"/> of <paramref name="spec"/>.</summary>
    public static string PlanMountPath(V1PodSpec spec, V1Container container)
    {
        var volume = spec.Volumes.Single(v => v.ConfigMap?.Name == "dualwrite-plan");
        return container.VolumeMounts.Single(m => m.Name == volume.Name).MountPath;
    }

    /// <summary>The Secrets' values the local test servers need, by the (Secret, key) the manifests name.</summary>
    public static IReadOnlyDictionary<(string Secret, string Key), string> LocalSecrets()
    {
        var secret = Manifests.SecretExample.Metadata.Name;
        return new Dictionary<(string, string), string>
        {
            [(secret, "mysql-password")] = Testing.MariaDbServer.Password,
            [(secret, "pg-password")] = Testing.PostgreSqlServer.Password,
        };
    }
}
