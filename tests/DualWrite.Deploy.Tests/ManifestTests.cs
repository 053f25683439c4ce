using k8s;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>Every manifest renders (kubectl kustomize) and loads into the API's typed models with no unknown field.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Kustomizations()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Repository.Kustomizations())
        {
            data.Add(Path.GetRelativePath(Repository.Kubernetes, directory));
        }

        return data;
    }

    public static TheoryData<string> StandaloneManifests()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.StandaloneManifests())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void TheDeploymentHasABaseAndTheStatusWaitOverlay() =>
        Repository.Kustomizations().Select(d => Path.GetRelativePath(Repository.Kubernetes, d)).Should().BeEquivalentTo("base", Path.Combine("overlays", "status-wait"));

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_Renders_AndEveryObjectLoadsStrictly(string directory)
    {
        var objects = Manifests.Render(Path.Combine(Repository.Kubernetes, directory));

        objects.Should().NotBeEmpty().And.AllSatisfy(o => o.Should().BeAssignableTo<IKubernetesObject>());
        objects.Cast<IMetadata<V1ObjectMeta>>().Should().OnlyContain(o => !string.IsNullOrEmpty(o.Metadata.Name));
    }

    [Theory]
    [MemberData(nameof(StandaloneManifests))]
    public void StandaloneManifest_LoadsStrictly(string file) =>
        Manifests.File(Path.Combine(Repository.Kubernetes, file)).Should().ContainSingle();

    [Theory]
    [InlineData("  completionMode: Indexed", "  completionMod: Indexed")]
    [InlineData("      restartPolicy: Never", "      restartPolicey: Never")]
    [InlineData("            readOnlyRootFilesystem: true", "            readOnlyRootFileSystem: true")]
    public void StrictLoading_RefusesAMisspelledField(string field, string misspelled)
    {
        var text = File.ReadAllText(Repository.SyncJob);
        text.Should().Contain(field, "the test misspells a field the Job has");

        var load = () => Manifests.Load(text.Replace(field, misspelled, StringComparison.Ordinal));

        Manifests.Load(text).Should().ContainSingle().Which.Should().BeOfType<V1Job>();
        load.Should().Throw<Exception>().Where(e => e.ToString().Contains(misspelled.Trim().Split(':')[0], StringComparison.Ordinal));
    }

    [Fact]
    public void TheBackfillJob_HasAGeneratedName_WhichIsWhyItIsNoPartOfAKustomization()
    {
        var job = Manifests.SyncJob;

        job.Metadata.Name.Should().BeNull();
        job.Metadata.GenerateName.Should().Be("dualwrite-sync-");
        Repository.Kustomizations()
            .SelectMany(Manifests.Render)
            .OfType<V1Job>().Should().BeEmpty("each run is a new Job, created with kubectl create -f");
    }

    [Fact]
    public void EveryConfigMapAndSecretAPodUses_IsRenderedOrIsTheExampleSecret()
    {
        var configMaps = Manifests.Render(Repository.Base).OfType<V1ConfigMap>().Select(c => c.Metadata.Name).ToHashSet();
        var secret = Manifests.SecretExample;

        foreach (var (where, spec) in Deployment.PodSpecs())
        {
            foreach (var volume in spec.Volumes ?? [])
            {
                if (volume.ConfigMap is { } configMap)
                {
                    configMaps.Should().Contain(configMap.Name, $"{where} mounts it");
                }
            }

            foreach (var reference in spec.AllContainers().SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>())
            {
                reference.Name.Should().Be(secret.Metadata.Name, where);
                secret.StringData.Should().ContainKey(reference.Key, where);
            }
        }
    }

    [Fact]
    public void TheExampleSecret_HoldsPlaceholdersOnly() =>
        Manifests.SecretExample.StringData.Values.Should().OnlyContain(v => v == "REPLACE-ME");
}
