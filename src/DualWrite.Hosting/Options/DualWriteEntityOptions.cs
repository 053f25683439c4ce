using DualWrite.Core.Options;
using DualWrite.Core.Resilience;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Core.Shadow;

namespace DualWrite.Hosting.Options;

/// <summary>The settings of one migrated entity.</summary>
public sealed class DualWriteEntityOptions
{
    /// <summary>Resilience of secondary writes.</summary>
    public SecondaryWriteOptions SecondaryWrites { get; set; } = new();

    /// <summary>How reads (and routed queries) ask the repair log whether the read store may lack a write, within a bound.</summary>
    public RepairLookupOptions RepairLookup { get; set; } = new();

    /// <summary>Shadow-read sampling.</summary>
    public ShadowReadOptions ShadowReads { get; set; } = new();

    /// <summary>The objectives whose breach moves the entity one phase back.</summary>
    public AutoRollbackOptions AutoRollback { get; set; } = new();

    /// <summary>How many repair-log entries one repair pass takes.</summary>
    public int RepairBatchSize { get; set; } = 500;

    internal void Validate(string path, OptionErrors errors)
    {
        SecondaryWrites.Validate($"{path}:SecondaryWrites", errors);
        ShadowReads.Validate($"{path}:ShadowReads", errors);
        RepairLookup.Validate($"{path}:RepairLookup", errors);
        AutoRollback.Validate($"{path}:AutoRollback", errors);
        errors.AtLeast($"{path}:RepairBatchSize", RepairBatchSize, 1);
    }
}
