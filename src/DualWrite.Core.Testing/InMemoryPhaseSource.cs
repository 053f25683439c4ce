using System.Collections.Concurrent;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;

namespace DualWrite.Core.Testing;

/// <summary>A settable, thread-safe <see cref="IPhaseSource"/> for tests and local development.</summary>
public sealed class InMemoryPhaseSource : IPhaseSource
{
    private readonly ConcurrentDictionary<string, MigrationPhase> _phases = new(StringComparer.Ordinal);
    private readonly MigrationPhase _defaultPhase;

    /// <summary>Creates a source in which every entity not yet set is in <paramref name="defaultPhase"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultPhase"/> is not a named phase.</exception>
    public InMemoryPhaseSource(MigrationPhase defaultPhase = MigrationPhase.OldOnly)
    {
        EnsureDefined(defaultPhase, nameof(defaultPhase));
        _defaultPhase = defaultPhase;
    }

    /// <inheritdoc />
    public MigrationPhase GetPhase(string entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _phases.TryGetValue(entity, out var phase) ? phase : _defaultPhase;
    }

    /// <summary>Puts <paramref name="entity"/> into <paramref name="phase"/>; the next <see cref="GetPhase"/> sees it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="phase"/> is not a named phase.</exception>
    public void SetPhase(string entity, MigrationPhase phase)
    {
        ArgumentNullException.ThrowIfNull(entity);
        EnsureDefined(phase, nameof(phase));
        _phases[entity] = phase;
    }

    private static void EnsureDefined(MigrationPhase phase, string parameterName)
    {
        if (!phase.IsDefined())
        {
            throw new ArgumentOutOfRangeException(parameterName, phase, "Not a migration phase.");
        }
    }
}
