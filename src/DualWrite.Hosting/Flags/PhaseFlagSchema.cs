using System.Collections.Frozen;
using System.Globalization;
using DualWrite.Core.Phases;

namespace DualWrite.Hosting.Flags;

/// <summary>
/// How an entity's phase is spelled as a Microsoft.FeatureManagement variant feature flag: one flag per
/// entity named <c>prefix + entity</c>, enabled, whose assigned variant's name is a <see cref="MigrationPhase"/>
/// name. Shared by the phase source that reads flags and every configuration source that writes them.
/// </summary>
public static class PhaseFlagSchema
{
    /// <summary>The flag name prefix used when none is configured.</summary>
    public const string DefaultFlagNamePrefix = "DualWrite.";

    /// <summary>The configuration path of the Microsoft feature-flag array (<c>feature_management:feature_flags</c>).</summary>
    public const string FeatureFlagsPath = "feature_management:feature_flags";

    private static readonly FrozenDictionary<string, MigrationPhase> PhasesByName =
        Enum.GetValues<MigrationPhase>().ToFrozenDictionary(p => p.ToString(), p => p, StringComparer.Ordinal);

    /// <summary>The phase names a flag's variant may carry, in phase order.</summary>
    public static IReadOnlyList<string> PhaseNames { get; } = [.. Enum.GetValues<MigrationPhase>().Order().Select(p => p.ToString())];

    /// <summary>The flag name of <paramref name="entity"/> under <paramref name="prefix"/>.</summary>
    /// <exception cref="ArgumentException">The entity is blank, or prefix or entity contain ':', which configuration keys reserve.</exception>
    public static string FlagName(string prefix, string entity)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ValidateEntity(entity);
        if (prefix.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The flag name prefix '{prefix}' contains ':', which configuration keys use as a separator.", nameof(prefix));
        }

        return prefix + entity;
    }

    /// <summary>Checks that <paramref name="entity"/> can be part of a flag name.</summary>
    /// <exception cref="ArgumentException">The entity is blank or contains ':'.</exception>
    public static void ValidateEntity(string entity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        if (entity.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The entity name '{entity}' contains ':', which configuration keys use as a separator.", nameof(entity));
        }
    }

    /// <summary>
    /// Reads a variant name as a phase. Only the exact (case-sensitive) names count: a number or a name in
    /// another case is rejected, so what the control table or a dashboard holds is what routes.
    /// </summary>
    public static bool TryParsePhase(string? name, out MigrationPhase phase)
    {
        if (name is not null && PhasesByName.TryGetValue(name, out phase))
        {
            return true;
        }

        phase = default;
        return false;
    }

    /// <summary>
    /// Reads a phase an operator typed (a command-line option, a dashboard form), in any case: <c>oldonly</c> is
    /// OldOnly. What is stored and routed stays exact (<see cref="TryParsePhase"/>).
    /// </summary>
    public static bool TryParseTypedPhase(string? name, out MigrationPhase phase)
    {
        phase = default;
        return PhaseNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } exact
            && TryParsePhase(exact, out phase);
    }

    /// <summary>
    /// Writes, into flat configuration <paramref name="data"/>, flag number <paramref name="index"/> of the
    /// feature-flag array as an enabled variant flag that assigns <paramref name="variantName"/> to everyone.
    /// </summary>
    public static void WriteVariantFlag(IDictionary<string, string?> data, int index, string flagName, string variantName)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentException.ThrowIfNullOrWhiteSpace(flagName);
        ArgumentNullException.ThrowIfNull(variantName);
        var flag = FeatureFlagsPath + ":" + index.ToString(CultureInfo.InvariantCulture) + ":";
        data[flag + "id"] = flagName;
        data[flag + "enabled"] = "true";
        data[flag + "variants:0:name"] = variantName;
        data[flag + "allocation:default_when_enabled"] = variantName;
    }
}
