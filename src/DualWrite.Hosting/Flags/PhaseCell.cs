namespace DualWrite.Hosting.Flags;

/// <summary>One registered entity: its flag name and its current <see cref="PhaseCellState"/>.</summary>
internal sealed class PhaseCell(string entity, string flagName)
{
    private readonly Lock _applyLock = new();
    private volatile PhaseCellState _state = PhaseCellState.NotLoaded;
    private long _appliedTicket;

    public string Entity { get; } = entity;

    public string FlagName { get; } = flagName;

    /// <summary>The current state; read without a lock on every call.</summary>
    public PhaseCellState State => _state;

    /// <summary>
    /// Applies a reading taken under <paramref name="ticket"/>. A reading older than the one already applied
    /// is dropped, so a slow first-use read can never overwrite a newer refresh with an older phase.
    /// </summary>
    /// <returns>The states before and after, or null when the reading was dropped.</returns>
    public (PhaseCellState Before, PhaseCellState After)? Apply(long ticket, PhaseFlagReading reading, DateTimeOffset now)
    {
        lock (_applyLock)
        {
            if (ticket < _appliedTicket)
            {
                return null;
            }

            _appliedTicket = ticket;
            var before = _state;
            var after = before.Next(reading, now);
            _state = after;
            return (before, after);
        }
    }
}
