namespace DualWrite.MySql.Health;

/// <summary>What every application instance reported for one entity over a time (<see cref="MySqlHealthReports.SumAsync"/>).</summary>
/// <param name="Instances">How many instances reported; 0 when none did.</param>
/// <param name="SecondaryWrites">Writes the decorators made to the secondary store.</param>
/// <param name="SecondaryErrors">Those that failed and went to the repair log.</param>
/// <param name="ShadowReads">Shadow reads that were compared.</param>
/// <param name="ShadowMismatches">Those whose records still differed when read again.</param>
/// <param name="From">The start of the earliest report window summed; null when none was.</param>
/// <param name="To">The end of the latest one; null when none was.</param>
public sealed record HealthReportTotals(
    int Instances,
    long SecondaryWrites,
    long SecondaryErrors,
    long ShadowReads,
    long ShadowMismatches,
    DateTimeOffset? From,
    DateTimeOffset? To)
{
    /// <summary>Nothing reported.</summary>
    public static HealthReportTotals None { get; } = new(0, 0, 0, 0, 0, null, null);
}
