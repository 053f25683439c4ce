using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// Answers kubectl command lines as kubectl would against an API server that holds <c>jobs</c>: <c>get jobs</c> with a
/// label selector, <c>--sort-by</c> and the json, name or jsonpath output (the jsonpath subset of fields, slices with
/// kubectl's bounds rule, <c>[*]</c>, <c>range</c>/<c>end</c> and quoted text), and <c>wait --for=condition=X job/NAME</c>.
/// Anything else is refused with exit code 1 and says so, so a script that changes its calls fails its test.
/// </summary>
internal static class KubectlEmulator
{
    public sealed record Answer(int ExitCode, string Output, string Error);

    /// <summary>Answers <paramref name="arguments"/> against <paramref name="jobs"/> (Job objects, in the API's order: by name).</summary>
    public static Answer Run(IReadOnlyList<string> arguments, IReadOnlyList<JsonObject> jobs)
    {
        var (positional, flags) = Parse(arguments);
        return positional switch
        {
            ["get", "jobs" or "job" or "jobs.batch"] => Get(flags, jobs),
            ["wait", var target] when target.StartsWith("job/", StringComparison.Ordinal) || target.StartsWith("job.batch/", StringComparison.Ordinal)
                => Wait(flags, target[(target.IndexOf('/', StringComparison.Ordinal) + 1)..], jobs),
            _ => new Answer(1, "", $"kubectl emulator: unsupported command: {string.Join(' ', arguments)}\n"),
        };
    }

    private static Answer Get(Dictionary<string, string> flags, IReadOnlyList<JsonObject> jobs)
    {
        IEnumerable<JsonObject> items = jobs.OrderBy(j => (string?)j["metadata"]!["name"], StringComparer.Ordinal);
        if (flags.TryGetValue("selector", out var selector))
        {
            var requirements = selector.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('=', 2)).ToList();
            if (requirements.Any(r => r.Length != 2 || r[0].EndsWith('!')))
            {
                return new Answer(1, "", $"kubectl emulator: only equality selectors are emulated: {selector}\n");
            }

            items = items.Where(j => requirements.All(r => (string?)j["metadata"]!["labels"]?[r[0]] == r[1]));
        }

        if (flags.TryGetValue("sort-by", out var sortBy))
        {
            var path = sortBy.Trim('{', '}');
            // Stable, as kubectl's; timestamps compare as times.
            items = items.OrderBy(j => Evaluate(path, j).FirstOrDefault() is JsonValue v ? Sortable(v) : "", StringComparer.Ordinal);
        }

        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(items.Select(i => i.DeepClone()).ToArray()),
        };
        var output = flags.GetValueOrDefault("output", "");
        try
        {
            return output switch
            {
                "json" => new Answer(0, list.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ""),
                "name" => new Answer(0, string.Concat(list["items"]!.AsArray().Select(i => $"job.batch/{i!["metadata"]!["name"]}\n")), ""),
                _ when output.StartsWith("jsonpath=", StringComparison.Ordinal) => new Answer(0, Template(output["jsonpath=".Length..], list), ""),
                _ => new Answer(1, "", $"kubectl emulator: output format `{output}` is not emulated\n"),
            };
        }
        catch (FormatException ex)
        {
            return new Answer(1, "", $"error: error executing jsonpath \"{output["jsonpath=".Length..]}\": {ex.Message}\n");
        }
    }

    private static Answer Wait(Dictionary<string, string> flags, string name, IReadOnlyList<JsonObject> jobs)
    {
        if (!flags.TryGetValue("for", out var condition) || !condition.StartsWith("condition=", StringComparison.Ordinal))
        {
            return new Answer(1, "", "kubectl emulator: wait needs --for=condition=NAME\n");
        }

        var type = condition["condition=".Length..];
        var job = jobs.SingleOrDefault(j => (string?)j["metadata"]!["name"] == name);
        if (job is null)
        {
            return new Answer(1, "", $"Error from server (NotFound): jobs.batch \"{name}\" not found\n");
        }

        var met = job["status"]?["conditions"]?.AsArray().Any(c =>
            string.Equals((string?)c!["type"], type, StringComparison.OrdinalIgnoreCase) && (string?)c["status"] == "True") == true;
        return met
            ? new Answer(0, $"job.batch/{name} condition met\n", "")
            : new Answer(1, "", $"error: timed out waiting for the condition on jobs/{name}\n");
    }

    private static (List<string> Positional, Dictionary<string, string> Flags) Parse(IReadOnlyList<string> arguments)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal) { ["l"] = "selector", ["o"] = "output", ["n"] = "namespace" };
        var positional = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith('-'))
            {
                positional.Add(argument);
                continue;
            }

            var text = argument.TrimStart('-');
            var (name, value) = text.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                ? (text[..eq], text[(eq + 1)..])
                : (text, i + 1 < arguments.Count ? arguments[++i] : "");
            flags[aliases.GetValueOrDefault(name, name)] = value;
        }

        return (positional, flags);
    }

    private static string Sortable(JsonValue value)
    {
        var text = value.ToString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcTicks.ToString("D20", CultureInfo.InvariantCulture)
            : text;
    }

    /// <summary>Renders a kubectl JSONPath template (text, <c>{path}</c>, <c>{"quoted"}</c>, <c>{range path}...{end}</c>).</summary>
    private static string Template(string template, JsonNode root)
    {
        var output = new StringBuilder();
        var position = 0;
        Render(template, ref position, [root], output, inRange: false);
        return output.ToString();
    }

    private static void Render(string template, ref int position, IReadOnlyList<JsonNode> scope, StringBuilder output, bool inRange)
    {
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                output.Append(template[position..]);
                position = template.Length;
                return;
            }

            output.Append(template[position..open]);
            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException("unclosed action");
            }

            var action = template[(open + 1)..close].Trim();
            position = close + 1;
            if (action == "end")
            {
                if (!inRange)
                {
                    throw new FormatException("not in range, nothing to end");
                }

                return;
            }

            if (action.StartsWith("range ", StringComparison.Ordinal))
            {
                var body = position;
                var items = scope.SelectMany(node => Evaluate(action["range ".Length..].Trim(), node)).ToList();
                var end = body;
                foreach (var item in items)
                {
                    end = body;
                    Render(template, ref end, [item], output, inRange: true);
                }

                if (items.Count == 0)
                {
                    // Skip the body: render it into nothing to find its end.
                    Render(template, ref end, [], new StringBuilder(), inRange: true);
                }

                position = end;
                continue;
            }

            if (action.StartsWith('"'))
            {
                output.Append(JsonSerializer.Deserialize<string>(action));
                continue;
            }

            var values = scope.SelectMany(node => Evaluate(action, node)).ToList();
            output.Append(string.Join(' ', values.Select(v => v is JsonValue value ? value.ToString() : v.ToJsonString())));
        }
    }

    /// <summary>The values <paramref name="path"/> (<c>.a.b[0].c[1:3][*]</c>, <c>$</c> optional) selects in <paramref name="node"/>.</summary>
    private static IEnumerable<JsonNode> Evaluate(string path, JsonNode node)
    {
        IEnumerable<JsonNode> current = [node];
        var rest = path.TrimStart('$');
        while (rest.Length > 0)
        {
            if (rest[0] == '.')
            {
                var end = rest.IndexOfAny(['.', '['], 1);
                var field = end < 0 ? rest[1..] : rest[1..end];
                rest = end < 0 ? "" : rest[end..];
                current = current.Select(n => n is JsonObject o ? o[field] : null).Where(n => n is not null).ToList()!;
            }
            else if (rest[0] == '[')
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                var subscript = rest[1..close];
                rest = rest[(close + 1)..];
                current = current.SelectMany(n => Subscript(n, subscript)).ToList();
            }
            else
            {
                throw new FormatException($"unrecognized character in action: {rest[0]}");
            }
        }

        return current;
    }

    // kubectl's slice rule: a negative start counts from the end and must then still be inside the list, unless the slice is empty.
    private static IEnumerable<JsonNode> Subscript(JsonNode node, string subscript)
    {
        if (node is not JsonArray array)
        {
            throw new FormatException($"{subscript} is not array or slice");
        }

        if (subscript == "*")
        {
            return array.Select(n => n!);
        }

        var parts = subscript.Split(':');
        var length = array.Count;
        var start = parts[0].Length == 0 ? 0 : int.Parse(parts[0], CultureInfo.InvariantCulture);
        if (start < 0)
        {
            start += length;
        }

        var endGiven = parts.Length > 1 && parts[1].Length > 0;
        var end = parts.Length == 1 ? start + 1 : endGiven ? int.Parse(parts[1], CultureInfo.InvariantCulture) : length;
        if (end < 0)
        {
            end += length;
        }

        if (end != start && (start >= length || start < 0))
        {
            throw new FormatException($"array index out of bounds: index {start}, length {length}");
        }

        end = Math.Min(end, length);
        return array.Skip(start).Take(Math.Max(0, end - start)).Select(n => n!).ToList();
    }
}
