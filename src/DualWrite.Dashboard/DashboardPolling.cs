namespace DualWrite.Dashboard;

/// <summary>How often an open dashboard page asks for the entities' state, so a change made elsewhere shows about one interval later.</summary>
public static class DashboardPolling
{
    /// <summary>The interval between two polls of an open page (the page reads it from the markup).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
}
