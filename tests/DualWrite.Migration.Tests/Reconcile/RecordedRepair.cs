using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Tests.Engine;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>One repair as the run's repairs table records it.</summary>
internal sealed record RecordedRepair(long RunId, long Id, string Kind, long Version, bool Applied)
{
    /// <summary>Every repair recorded for the rig plan's <paramref name="entity"/>, in the order recorded.</summary>
    public static async Task<List<RecordedRepair>> ReadAsync(BackfillRig rig, string entity)
    {
        await using var command = rig.Target.CreateCommand(
            $"SELECT run_id, key_values, kind, version, applied FROM \"{rig.Schema}\".dualwrite_reconcile_repairs WHERE plan = @plan AND entity = @entity ORDER BY id");
        command.Parameters.AddWithValue("plan", rig.PlanName);
        command.Parameters.AddWithValue("entity", entity);
        await using var reader = await command.ExecuteReaderAsync();
        var repairs = new List<RecordedRepair>();
        while (await reader.ReadAsync())
        {
            repairs.Add(new RecordedRepair(
                reader.GetInt64(0), Convert.ToInt64(CanonicalEncoding.FromText(reader.GetString(1))[0]), reader.GetString(2), reader.GetInt64(3), reader.GetBoolean(4)));
        }

        return repairs;
    }

    /// <summary>The repair as the report lists it, in the same shape.</summary>
    public static RecordedRepair Of(long runId, RepairAction repair) =>
        new(runId, Convert.ToInt64(repair.Key.Values[0]), repair.Kind.ToString(), repair.Version, repair.Applied);
}
