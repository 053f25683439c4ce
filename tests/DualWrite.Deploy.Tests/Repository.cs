using System.Reflection;
using DualWrite.Testing;

namespace DualWrite.Deploy.Tests;

/// <summary>Where the deployment files and the built CLI are.</summary>
internal static class Repository
{
    public static string Root { get; } = MariaDbServer.RepositoryRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string Kubernetes => Path.Combine(Deploy, "kubernetes");

    public static string Dockerfile => Path.Combine(Deploy, "Dockerfile");

    public static string SyncJob => Path.Combine(Kubernetes, "sync-job.yaml");

    public static string SecretExample => Path.Combine(Kubernetes, "secret.example.yaml");

    public static string Base => Path.Combine(Kubernetes, "base");

    public static string StatusWait => Path.Combine(Kubernetes, "overlays", "status-wait");

    /// <summary>dualwrite.dll in the CLI project's own output (the project reference builds it), with its own dependencies.</summary>
    public static string CliDll
    {
        get
        {
            var path = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "DualWriteCli").Value!;
            path = Path.GetFullPath(path);
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The CLI is not built at {path}; build the test project (it references src/DualWrite.Cli) in the same configuration.");
        }
    }

    /// <summary>Every directory under deploy/kubernetes that holds a kustomization.</summary>
    public static IReadOnlyList<string> Kustomizations() =>
        Directory.EnumerateFiles(Kubernetes, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The manifests under deploy/kubernetes that are applied as they are, outside any kustomization.</summary>
    public static IReadOnlyList<string> StandaloneManifests() =>
        Directory.EnumerateFiles(Kubernetes, "*.yaml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
}
