using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>When the catch-up stops.</summary>
public sealed record CatchUpStop
{
    /// <summary>Stop once the catch-up has been caught up (its lag under the plan's bound) for <see cref="SteadyFor"/>.</summary>
    public bool WhenCaughtUp { get; init; } = true;

    /// <summary>How long the lag must stay under the bound to count as caught up.</summary>
    public TimeSpan SteadyFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Stop once everything up to this source position is applied (overrides <see cref="WhenCaughtUp"/>).</summary>
    public BinlogPosition? At { get; init; }
}
