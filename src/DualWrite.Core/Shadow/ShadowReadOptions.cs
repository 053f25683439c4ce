using DualWrite.Core.Options;

namespace DualWrite.Core.Shadow;

/// <summary>
/// Shadow reads: in the phases that write both stores, a sample of reads also reads the other store and compares
/// the two records in the background. The caller always gets the read store's record and waits for nothing
/// but the start of the shadow read.
/// </summary>
public sealed class ShadowReadOptions
{
    /// <summary>The share of reads shadowed, from 0 (off) to 1 (every read).</summary>
    public double SampleRate { get; set; } = 0.01;

    /// <summary>How long a shadow read may take before it is abandoned and counted as a timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long to wait before reading both stores again when the first comparison differs, so a write that was
    /// in flight between the two stores is not reported as a mismatch.
    /// </summary>
    public TimeSpan RecheckDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether mismatch log entries include both values. Off by default: values may hold personal data.</summary>
    public bool LogValues { get; set; }

    internal void Validate(string path, OptionErrors errors)
    {
        errors.Ratio($"{path}:SampleRate", SampleRate, allowZero: true);
        errors.Positive($"{path}:Timeout", Timeout);
        errors.Positive($"{path}:RecheckDelay", RecheckDelay);
    }
}
