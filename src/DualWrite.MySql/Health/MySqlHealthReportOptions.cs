namespace DualWrite.MySql.Health;

/// <summary>How an application instance reports its decorators' figures (<see cref="MySqlHealthReporter"/>).</summary>
public sealed class MySqlHealthReportOptions
{
    /// <summary>The report interval used when none is set: 10 s.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long reports are kept when nothing else is set: one day.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(1);

    /// <summary>The instance's name in its reports; the host name and process id by default. At most 191 characters.</summary>
    public string Instance { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How often a report is written: each one holds what was counted since the one before.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Reports whose window ended longer ago are deleted (by any instance); longer than any gate's window.</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Instance, nameof(Instance));
        if (Instance.Length > 191)
        {
            throw new ArgumentException($"The instance name must be at most 191 characters; it has {Instance.Length}.", nameof(Instance));
        }

        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The report interval must be positive.");
        }

        if (Retention <= Interval)
        {
            throw new ArgumentOutOfRangeException(nameof(Retention), Retention, $"Reports must be kept longer than the report interval ({Interval}).");
        }
    }
}
