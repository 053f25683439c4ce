using System.Reflection;
using Microsoft.Extensions.Logging;

namespace DualWrite.Testing;

/// <summary>The event ids an assembly's source-generated log messages use, and the ids its event-id registry defines.</summary>
public static class LogEventIds
{
    private const BindingFlags AllMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>Every <see cref="LoggerMessageAttribute"/> in <paramref name="assembly"/>, by method.</summary>
    public static IReadOnlyList<(string Method, int Id)> Used(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(AllMethods)
            let message = method.GetCustomAttribute<LoggerMessageAttribute>()
            where message is not null
            select ($"{type.Name}.{method.Name}", message.EventId)];

    /// <summary>The integer constants of <paramref name="registry"/>.</summary>
    public static IReadOnlyList<int> Defined(Type registry) =>
        [.. registry.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (int)f.GetRawConstantValue()!)];
}
