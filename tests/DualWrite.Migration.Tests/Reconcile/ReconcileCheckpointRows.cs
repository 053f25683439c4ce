using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Tests.Engine;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>One recorded chunk of a reconciliation run, as the target's control schema holds it.</summary>
internal sealed record RecordedChunk(long RunId, int Range, int Chunk, long? LastKey, DateTime FinishedAt)
{
    /// <summary>The chunks recorded for the rig plan's <paramref name="entity"/>: of its unfinished run, or of run <paramref name="runId"/>.</summary>
    public static async Task<List<RecordedChunk>> ReadAsync(BackfillRig rig, string entity, long? runId = null)
    {
        await using var command = rig.Target.CreateCommand($"""
            SELECT c.run_id, c.range_no, c.chunk_no, c.last_key, c.finished_at
              FROM "{rig.Schema}".dualwrite_reconcile_chunks AS c JOIN "{rig.Schema}".dualwrite_reconcile_runs AS r USING (run_id)
             WHERE r.plan = @plan AND r.entity = @entity AND (CASE WHEN @run IS NULL THEN r.finished_at IS NULL ELSE r.run_id = @run END)
             ORDER BY c.range_no, c.chunk_no
            """);
        command.Parameters.AddWithValue("plan", rig.PlanName);
        command.Parameters.AddWithValue("entity", entity);
        command.Parameters.Add(new NpgsqlParameter<long?>("run", runId) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync();
        var chunks = new List<RecordedChunk>();
        while (await reader.ReadAsync())
        {
            chunks.Add(new RecordedChunk(
                reader.GetInt64(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : Convert.ToInt64(CanonicalEncoding.FromText(reader.GetString(3))[0]),
                reader.GetDateTime(4)));
        }

        return chunks;
    }
}
