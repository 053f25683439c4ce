using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// The deployment's objects in KubernetesClient's typed models, loaded strictly: a field the API does not have (a
/// misspelling, a wrong indentation) fails the load instead of being dropped, as the API server's strict field
/// validation (kubectl's default) would refuse it.
/// </summary>
internal static class Manifests
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<object>>> Rendered = new(StringComparer.Ordinal);

    /// <summary>Every object in <paramref name="yaml"/> (one or more documents), typed by apiVersion and kind.</summary>
    public static IReadOnlyList<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    /// <summary>The objects of the kustomization in <paramref name="directory"/>, rendered once per test run.</summary>
    public static IReadOnlyList<object> Render(string directory) =>
        Rendered.GetOrAdd(directory, d => new Lazy<IReadOnlyList<object>>(() => Load(Kubectl.Kustomize(d)))).Value;

    /// <summary>The objects of a manifest applied as it is.</summary>
    public static IReadOnlyList<object> File(string path) => Load(System.IO.File.ReadAllText(path));

    /// <summary>The backfill Job (deploy/kubernetes/sync-job.yaml).</summary>
    public static V1Job SyncJob => File(Repository.SyncJob).OfType<V1Job>().Single();

    /// <summary>The example Secret (deploy/kubernetes/secret.example.yaml).</summary>
    public static V1Secret SecretExample => File(Repository.SecretExample).OfType<V1Secret>().Single();

    /// <summary>The one object of type <typeparamref name="T"/> in <paramref name="objects"/>.</summary>
    public static T One<T>(this IReadOnlyList<object> objects) => objects.OfType<T>().Should().ContainSingle().Subject;

    /// <summary>The plan ConfigMap's plan text and the key it is stored under.</summary>
    public static (string Key, string Text) Plan(this IReadOnlyList<object> objects)
    {
        var configMap = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "dualwrite-plan");
        var entry = configMap.Data.Should().ContainSingle().Subject;
        return (entry.Key, entry.Value);
    }

    /// <summary>Every container of a pod spec, initContainers first.</summary>
    public static IEnumerable<V1Container> AllContainers(this V1PodSpec spec) => (spec.InitContainers ?? []).Concat(spec.Containers);
}
