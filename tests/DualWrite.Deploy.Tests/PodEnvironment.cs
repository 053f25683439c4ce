using System.Text;
using k8s.Models;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// What the kubelet makes of a container's <c>env</c>, <c>command</c> and <c>args</c>: the variables' values (from
/// literals, the pod's fields and Secrets) and the <c>$(NAME)</c> references expanded with them.
/// </summary>
internal sealed class PodEnvironment
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    /// <summary>Resolves <paramref name="container"/>'s env for a pod named <paramref name="podName"/>.</summary>
    /// <param name="container">The container.</param>
    /// <param name="podName">metadata.name of the pod.</param>
    /// <param name="secrets">The Secrets' values: (secret name, key) → value.</param>
    /// <param name="injected">Variables the controller adds before the container's own (JOB_COMPLETION_INDEX for an Indexed Job).</param>
    public PodEnvironment(V1Container container, string podName, IReadOnlyDictionary<(string Secret, string Key), string> secrets, IReadOnlyDictionary<string, string>? injected = null)
    {
        foreach (var (name, value) in injected ?? new Dictionary<string, string>())
        {
            _variables[name] = value;
        }

        foreach (var env in container.Env ?? [])
        {
            _variables[env.Name] = env switch
            {
                { Value: { } literal } => Expand(literal),
                { ValueFrom.FieldRef.FieldPath: "metadata.name" } => podName,
                { ValueFrom.FieldRef.FieldPath: "metadata.namespace" } => "default",
                { ValueFrom.SecretKeyRef: { } secret } => secrets.TryGetValue((secret.Name, secret.Key), out var value)
                    ? value
                    : throw new InvalidOperationException($"env {env.Name}: no value for key {secret.Key} of Secret {secret.Name}"),
                { ValueFrom: null } => "",
                _ => throw new NotSupportedException($"env {env.Name}: this source is not emulated"),
            };
        }
    }

    /// <summary>The container's variables, as its process sees them.</summary>
    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>
    /// Expands <c>$(NAME)</c> with the variables: <c>$$</c> is a literal <c>$</c>, and a reference to a variable that is
    /// not defined stays as it is written (the kubelet's rules for command, args and env values).
    /// </summary>
    public string Expand(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '(' && text.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = text[(i + 2)..close];
                result.Append(_variables.TryGetValue(name, out var value) ? value : $"$({name})");
                i = close;
            }
            else
            {
                result.Append('$');
            }
        }

        return result.ToString();
    }
}
