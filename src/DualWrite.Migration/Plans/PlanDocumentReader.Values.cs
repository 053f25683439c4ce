using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace DualWrite.Migration.Plans;

/// <summary>Typed access to the nodes of a plan file; every misfit becomes a <see cref="PlanProblem"/> at the node's location.</summary>
internal sealed partial class PlanDocumentReader
{
    private readonly string _file;
    private readonly List<PlanProblem> _problems = [];

    public PlanDocumentReader(string file) => _file = file;

    /// <summary>What was found wrong so far, in file order.</summary>
    public IReadOnlyList<PlanProblem> Problems =>
        _problems.OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column).ToList();

    private PlanLocation At(YamlNode node) => new(_file, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>Adds a problem at <paramref name="node"/>; the document itself (subject "") is called "plan".</summary>
    private void Problem(YamlNode node, string subject, string message) => _problems.Add(new(At(node), subject.Length == 0 ? "plan" : subject, message));

    private static string Path(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    /// <summary>
    /// The mapping's fields by key. Unknown keys and a literal <c>password</c> key are reported (never with their value);
    /// keys with no value (<c>key:</c>, <c>~</c>, <c>null</c>) count as absent.
    /// </summary>
    private Dictionary<string, Field>? Fields(YamlNode node, string subject, IReadOnlyList<string> keys)
    {
        if (node is not YamlMappingNode mapping)
        {
            Problem(node, subject, $"expected a mapping with the keys {string.Join(", ", keys)}; found {Describe(node)}");
            return null;
        }

        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                Problem(keyNode, subject, "a key must be a plain name");
            }
            else if (string.Equals(key, "password", StringComparison.OrdinalIgnoreCase))
            {
                Problem(keyNode, Path(subject, key), "passwords never go in a plan file; use passwordEnv");
            }
            else if (!keys.Contains(key))
            {
                Problem(keyNode, Path(subject, key), PlanKeys.Unknown(key, keys));
            }
            else if (!IsNull(value))
            {
                fields[key] = new Field((YamlScalarNode)keyNode, value);
            }
        }

        return fields;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "no value",
        YamlScalarNode scalar => $"`{scalar.Value}`",
        _ => "something else",
    };

    /// <summary>A non-empty text value, or null (reported) when the node is not one.</summary>
    private string? Text(YamlNode node, string subject)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node))
        {
            if (value.Trim().Length > 0)
            {
                return value;
            }

            Problem(node, subject, "must not be empty");
            return null;
        }

        Problem(node, subject, $"expected a text value; found {Describe(node)}");
        return null;
    }

    private string? Text(Dictionary<string, Field> fields, string key, string subject) =>
        fields.TryGetValue(key, out var field) ? Text(field.Value, subject) : null;

    /// <summary>The name of an environment variable; a value that cannot be one is refused without being echoed (it may be a secret).</summary>
    private string? EnvironmentName(Dictionary<string, Field> fields, string key, string subject)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            return null;
        }

        if (field.Value is YamlScalarNode { Value: { } value } && VariableName().IsMatch(value))
        {
            return value;
        }

        Problem(field.Value, subject, $"{key} must name an environment variable (letters, digits and _, not starting with a digit); the value itself never goes in the plan");
        return null;
    }

    /// <summary>A whole number of at least <paramref name="min"/> and at most <paramref name="max"/>.</summary>
    private int? Number(Dictionary<string, Field> fields, string key, string subject, int min, int max = int.MaxValue)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            return null;
        }

        if (field.Value is not YamlScalarNode { Value: { } text }
            || !long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problem(field.Value, subject, $"expected a whole number; found {Describe(field.Value)}");
            return null;
        }

        if (value < 0 && min >= 0)
        {
            Problem(field.Value, subject, $"must not be negative; found {text}");
            return null;
        }

        if (value < min || value > max)
        {
            var range = max == int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"at least {min}")
                : string.Create(CultureInfo.InvariantCulture, $"from {min} to {max}");
            Problem(field.Value, subject, $"must be {range}; found {text}");
            return null;
        }

        return (int)value;
    }

    /// <summary>A positive duration (<c>500ms</c>, <c>2s</c>, <c>1m</c>).</summary>
    private TimeSpan? Duration(Dictionary<string, Field> fields, string key, string subject)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            return null;
        }

        if (field.Value is not YamlScalarNode { Value: { } text } || !PlanDuration.TryParse(text, out var value))
        {
            Problem(field.Value, subject, $"expected a duration, {PlanDuration.Expected}; found {Describe(field.Value)}");
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            Problem(field.Value, subject, $"must be longer than zero; found {text}");
            return null;
        }

        return value;
    }

    /// <summary>A ratio from 0 to 1 written as a decimal number (<c>0.001</c> for 0.1 %).</summary>
    private double? Ratio(Dictionary<string, Field> fields, string key, string subject)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            return null;
        }

        if (field.Value is not YamlScalarNode { Value: { } text }
            || !double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            Problem(field.Value, subject, $"expected a ratio from 0 to 1 written as a number (0.001 for 0.1%); found {Describe(field.Value)}");
            return null;
        }

        if (value is < 0 or > 1)
        {
            Problem(field.Value, subject, $"must be from 0 to 1; found {text}");
            return null;
        }

        return value;
    }

    /// <summary>A list of names (a single name counts as a list of one), each with its location.</summary>
    private List<(string Name, PlanLocation Location)>? Names(Dictionary<string, Field> fields, string key, string subject)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            return null;
        }

        if (field.Value is YamlScalarNode single)
        {
            return Text(single, subject) is { } name ? [(name, At(single))] : [];
        }

        if (field.Value is not YamlSequenceNode list)
        {
            Problem(field.Value, subject, $"expected a list of names; found {Describe(field.Value)}");
            return [];
        }

        var names = new List<(string, PlanLocation)>();
        foreach (var item in list.Children)
        {
            if (Text(item, subject) is { } name)
            {
                names.Add((name, At(item)));
            }
        }

        return names;
    }

    /// <summary>A key of a mapping and its value.</summary>
    private readonly record struct Field(YamlScalarNode Key, YamlNode Value);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();
}
