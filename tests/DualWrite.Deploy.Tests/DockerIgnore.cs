using System.Text.RegularExpressions;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// A .dockerignore's rules: patterns in order, the last one that matches a path or one of its parent directories
/// decides, <c>!</c> admits again, <c>*</c> stays within one path element and <c>**</c> spans any number.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Admits)> _rules = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var admits = line.StartsWith('!');
            var pattern = (admits ? line[1..] : line).Trim().Trim('/');
            var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
                .Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal)
                .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
            _rules.Add((new Regex(regex, RegexOptions.CultureInvariant), admits));
        }
    }

    /// <summary>Whether <paramref name="path"/> (relative to the context, with /) is sent to the builder.</summary>
    public bool Admits(string path)
    {
        var elements = path.Split('/');
        var prefixes = Enumerable.Range(1, elements.Length).Select(n => string.Join('/', elements.Take(n))).ToList();
        var admitted = true;
        foreach (var (pattern, admits) in _rules)
        {
            if (prefixes.Any(pattern.IsMatch))
            {
                admitted = admits;
            }
        }

        return admitted;
    }
}
