using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>
/// Tells the decorator which phase an entity is in. It is asked on every call, so it must be cheap and
/// synchronous (a cached flag, not a network round trip); a flip takes effect on the next call that asks.
/// </summary>
public interface IPhaseSource
{
    /// <summary>The current phase of <paramref name="entity"/>.</summary>
    MigrationPhase GetPhase(string entity);
}
