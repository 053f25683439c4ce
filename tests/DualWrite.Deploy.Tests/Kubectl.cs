using System.Diagnostics;
using System.Text.Json;

namespace DualWrite.Deploy.Tests;

/// <summary>The real kubectl, for <c>kubectl kustomize</c>: renders a kustomization exactly as <c>kubectl apply -k</c> would.</summary>
internal static class Kubectl
{
    private const string InstallHint =
        "eng/services.sh up kubectl checks for it (eng/test.sh runs that); the Debian package kubernetes-client is too old (kubectl 1.20, " +
        "kustomize v2), so install kubectl 1.27 or later from the Kubernetes project's packages (package `kubectl`) or put its binary on PATH.";

    private static readonly Lazy<string> Executable = new(Find);

    /// <summary>The rendered YAML of the kustomization in <paramref name="directory"/>.</summary>
    public static string Kustomize(string directory)
    {
        var (exit, output, error) = Run(Executable.Value, "kustomize", directory);
        return exit == 0 ? output : throw new InvalidOperationException($"kubectl kustomize {directory} failed ({exit}):\n{error}");
    }

    private static string Find()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl"))
            .Append("/usr/bin/kubectl");
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"kubectl is not installed (not on PATH, not /usr/bin/kubectl). {InstallHint}");

        var (exit, output, error) = Run(path, "version", "--client", "--output=json");
        if (exit != 0)
        {
            throw new InvalidOperationException($"`{path} version --client` failed ({exit}): {error}. {InstallHint}");
        }

        using var version = JsonDocument.Parse(output);
        var kustomize = version.RootElement.TryGetProperty("kustomizeVersion", out var k) ? k.GetString() : null;
        if (kustomize is null || !System.Version.TryParse(kustomize.TrimStart('v'), out var parsed) || parsed.Major < 5)
        {
            var client = version.RootElement.GetProperty("clientVersion").GetProperty("gitVersion").GetString();
            throw new InvalidOperationException($"{path} is kubectl {client} with kustomize {kustomize ?? "v2 or older"}; the manifests need kustomize v5. {InstallHint}");
        }

        return path;
    }

    private static (int Exit, string Output, string Error) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
