using System.Text.Json;
using System.Xml.Linq;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// deploy/Dockerfile, read as the builder reads it (no Docker engine here to build it): its stages, what the build
/// copies and publishes, and what the runtime stage must hold for the CLI it receives.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly DockerfileModel Dockerfile = Deployment.Dockerfile;

    [Fact]
    public void Stages_BuildWithTheSdk_AndEndWithTheCli()
    {
        Dockerfile.Stages.Select(s => s.Name).Should().Equal("build", "kubectl", "kubectl-wait", "cli");
        Dockerfile.Final.Name.Should().Be("cli", "a build without --target builds the CLI's image");
        Dockerfile.Stage("build").Image.Should().StartWith("mcr.microsoft.com/dotnet/sdk:");
    }

    [Fact]
    public void BuildStage_UsesTheSdkOfGlobalJson()
    {
        using var global = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "global.json")));
        var sdk = System.Version.Parse(global.RootElement.GetProperty("sdk").GetProperty("version").GetString()!);

        Dockerfile.Stage("build").Image.Should().Be($"mcr.microsoft.com/dotnet/sdk:{sdk.Major}.{sdk.Minor}-noble");
    }

    [Fact]
    public void BuildStage_PublishesTheCliProject_InRelease()
    {
        var build = Dockerfile.Stage("build");
        var publish = build.All("RUN").Select(r => r.Arguments).Should().ContainSingle(r => r.Contains("dotnet publish", StringComparison.Ordinal)).Subject;

        publish.Should().Contain("dotnet publish src/DualWrite.Cli -c Release");
        File.Exists(Path.Combine(Repository.Root, "src", "DualWrite.Cli", "DualWrite.Cli.csproj")).Should().BeTrue();
        publish.Should().Contain("-o /out");
        build.Last("WORKDIR")!.Arguments.Should().Be("/source");
    }

    [Fact]
    public void BuildStage_CopiesOnlyWhatExists_AndWhatTheDockerIgnoreAdmits()
    {
        var ignore = new DockerIgnore(File.ReadAllText(Path.Combine(Repository.Root, ".dockerignore")));
        var sources = Dockerfile.Stage("build").All("COPY")
            .Select(c => c.Arguments.Split(' ').Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray())
            .SelectMany(words => words[..^1])
            .ToList();

        sources.Should().Contain(["src/", "global.json", "Directory.Build.props", "Directory.Packages.props"]);
        foreach (var source in sources)
        {
            Path.Exists(Path.Combine(Repository.Root, source)).Should().BeTrue(source);
            ignore.Admits(source.TrimEnd('/')).Should().BeTrue($"{source} must reach the builder");
        }

        ignore.Admits("src/DualWrite.Cli/Program.cs").Should().BeTrue();
        ignore.Admits("src/DualWrite.Cli/bin/Release/net10.0/dualwrite.dll").Should().BeFalse("a local build's output would be copied over the image's");
        ignore.Admits("src/DualWrite.Migration/obj/project.assets.json").Should().BeFalse();
        ignore.Admits("tests/DualWrite.Cli.Tests/CliTests.cs").Should().BeFalse();
        ignore.Admits(".git/HEAD").Should().BeFalse();
        ignore.Admits("deploy/kubernetes/secret.yaml").Should().BeFalse();
    }

    [Fact]
    public void CliStage_RunsOnTheAspNetCoreRuntime_WhichTheCliNeeds()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(Repository.CliDll, ".runtimeconfig.json")));
        var frameworks = config.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()).ToList();

        frameworks.Should().Contain("Microsoft.AspNetCore.App", "the CLI hosts the dashboard");
        Dockerfile.Final.Image.Should().StartWith("mcr.microsoft.com/dotnet/aspnet:10.0");
    }

    [Fact]
    public void CliStage_IsChiseled_WhichTheCliCanRunOn_BecauseItNeedsNoIcu()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(Repository.CliDll, ".runtimeconfig.json")));

        Dockerfile.Final.Image.Should().EndWith("-noble-chiseled");
        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.Globalization.Invariant").GetBoolean()
            .Should().BeTrue("chiseled images hold no ICU");
    }

    [Fact]
    public void CliStage_RunsThePublishedApphost_AsANonRootUser()
    {
        var cli = Dockerfile.Final;
        var assemblyName = XDocument.Load(Path.Combine(Repository.Root, "src", "DualWrite.Cli", "DualWrite.Cli.csproj"))
            .Descendants("AssemblyName").Single().Value;

        cli.Last("WORKDIR")!.Arguments.Should().Be("/app");
        cli.All("COPY").Should().ContainSingle(c => c.Arguments == "--from=build /out/ ./");
        cli.Last("ENTRYPOINT")!.ExecForm.Should().Equal($"/app/{assemblyName}");
        IsNonRoot(cli.Last("USER")!.Arguments).Should().BeTrue();
    }

    [Fact]
    public void KubectlWaitStage_HasAShellAndKubectl_AndRunsAsNonRoot()
    {
        var wait = Dockerfile.Stage("kubectl-wait");

        wait.Image.Should().StartWith("busybox:");
        wait.All("COPY").Should().ContainSingle(c => c.Arguments == "--from=kubectl /bin/kubectl /usr/local/bin/kubectl");
        Dockerfile.Stage("kubectl").Image.Should().StartWith("registry.k8s.io/kubectl:v1.");
        IsNonRoot(wait.Last("USER")!.Arguments).Should().BeTrue();
    }

    [Fact]
    public void EveryImageTheManifestsRun_IsATargetOfTheDockerfile_OrTheApplicationsOwn()
    {
        var images = Deployment.PodSpecs().SelectMany(p => p.Spec.AllContainers()).Select(c => c.Image.Split(':')[0]).ToHashSet();

        images.Should().BeEquivalentTo(Deployment.CliImage, Deployment.KubectlWaitImage, "registry.example.com/orders-service");
    }

    // The user by number, or the image's $APP_UID (1654): the kubelet can check runAsNonRoot only against a number.
    private static bool IsNonRoot(string user)
    {
        var name = user.Split(':')[0];
        return name == "$APP_UID" || (int.TryParse(name, out var uid) && uid > 0);
    }
}
