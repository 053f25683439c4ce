using DualWrite.Core.Options;

namespace DualWrite.Hosting.Options;

/// <summary>
/// The settings bound from the <c>DualWrite</c> configuration section: per-entity settings under
/// <c>Entities:&lt;name&gt;</c>, and how often the repair worker runs. Validated at start-up.
/// </summary>
public sealed class DualWriteOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "DualWrite";

    /// <summary>Per-entity settings, by entity name; an entity without an entry gets the defaults.</summary>
    public Dictionary<string, DualWriteEntityOptions> Entities { get; } = new(StringComparer.Ordinal);

    /// <summary>The pause between repair passes when the last pass found nothing to do.</summary>
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The settings of <paramref name="entity"/>, or the defaults.</summary>
    public DualWriteEntityOptions For(string entity) => Entities.TryGetValue(entity, out var options) ? options : new();

    internal IReadOnlyList<string> Validate(IReadOnlyCollection<string> registeredEntities, bool hasPhaseSource)
    {
        var errors = new OptionErrors();
        errors.Positive($"{SectionName}:RepairInterval", RepairInterval);
        foreach (var (entity, options) in Entities)
        {
            var path = $"{SectionName}:Entities:{entity}";
            if (!registeredEntities.Contains(entity))
            {
                errors.Add(path, $"configures an entity that was never added with AddEntity (registered: {(registeredEntities.Count == 0 ? "none" : string.Join(", ", registeredEntities.Order(StringComparer.Ordinal)))})");
            }

            options.Validate(path, errors);
        }

        if (!hasPhaseSource)
        {
            errors.Add(SectionName, "has no phase source: call UsePhaseSource (or a phase source extension such as the MySQL control table's) on the builder");
        }

        return errors.Errors;
    }
}
