using System.Text.Json;
using System.Text.RegularExpressions;

namespace DualWrite.Deploy.Tests;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and the rest of its logical line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments of an exec-form instruction (<c>["a", "b"]</c>); null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm => Arguments.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(Arguments) : null;
}

/// <summary>A build stage: its base image (global ARG defaults substituted), its name, and its instructions.</summary>
internal sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>The stage's last instruction <paramref name="keyword"/> (the one in force), or null.</summary>
    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();
}

/// <summary>
/// A Dockerfile read the way the builder reads it: comments and parser directives dropped, lines continued with a
/// trailing backslash joined, split into stages at each FROM.
/// </summary>
internal sealed partial class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerStage> stages, IReadOnlyDictionary<string, string> globalArgs) =>
        (Stages, GlobalArgs) = (stages, globalArgs);

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The ARGs declared before the first FROM, with their defaults.</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; }

    /// <summary>The stage <c>docker build</c> builds without <c>--target</c>: the last one.</summary>
    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) => Stages.Single(s => s.Name == name);

    public static DockerfileModel Parse(string text)
    {
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        (string Image, string? Name) from = ("", null);
        foreach (var (keyword, arguments) in LogicalLines(text))
        {
            if (keyword == "FROM")
            {
                if (current is not null)
                {
                    stages.Add(new DockerStage(from.Image, from.Name, current));
                }

                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var image = Substitute(words[0], globalArgs);
                from = (image, words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null);
                current = [];
            }
            else if (current is null)
            {
                if (keyword == "ARG")
                {
                    var parts = arguments.Split('=', 2);
                    globalArgs[parts[0].Trim()] = parts.Length == 2 ? parts[1].Trim() : "";
                }
            }
            else
            {
                current.Add(new DockerInstruction(keyword, arguments));
            }
        }

        if (current is not null)
        {
            stages.Add(new DockerStage(from.Image, from.Name, current));
        }

        return new DockerfileModel(stages, globalArgs);
    }

    private static IEnumerable<(string Keyword, string Arguments)> LogicalLines(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var logical = (pending + line).Trim();
            pending = "";
            if (logical.Length == 0)
            {
                continue;
            }

            var space = logical.IndexOfAny([' ', '\t']);
            yield return space < 0
                ? (logical.ToUpperInvariant(), "")
                : (logical[..space].ToUpperInvariant(), Whitespace().Replace(logical[(space + 1)..].Trim(), " "));
        }
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> args) =>
        ArgReference().Replace(text, m => args.TryGetValue(m.Groups[1].Value + m.Groups[2].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$\{(\w+)\}|\$(\w+)")]
    private static partial Regex ArgReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
