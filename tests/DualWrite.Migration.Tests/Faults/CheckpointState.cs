using DualWrite.Migration.Tests.Engine;
using DualWrite.MySql.Replication;
using DualWrite.PostgreSql;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// What a plan's checkpoint tables in the target say: rows committed, whether every range is done, and the catch-up
/// position once the catch-up started. The tests that kill or crash something read their kill points from it.
/// </summary>
internal sealed record CheckpointState(decimal Rows, bool SnapshotDone, BinlogPosition? CatchUpAt)
{
    /// <summary>The catch-up position as <c>file:offset</c>, or null before the catch-up started.</summary>
    public string? CatchUpPosition => CatchUpAt is { } p ? $"{p.File}:{p.Offset}" : null;

    public static Task<CheckpointState> ReadAsync(BackfillRig rig) => ReadAsync(rig.Target, rig.Schema);

    public static async Task<CheckpointState> ReadAsync(NpgsqlDataSource target, string schema)
    {
        ArgumentNullException.ThrowIfNull(target);
        var ranges = $"{PgNames.Quote(schema)}.dualwrite_backfill_ranges";
        var plans = $"{PgNames.Quote(schema)}.dualwrite_backfill_plans";
        await using var command = target.CreateCommand($"""
            SELECT (SELECT coalesce(sum(rows), 0) FROM {ranges}),
                   (SELECT count(*) > 0 AND bool_and(done) FROM {ranges}),
                   (SELECT cdc_file FROM {plans} WHERE cdc_started),
                   (SELECT cdc_offset FROM {plans} WHERE cdc_started)
            """);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            BinlogPosition? at = reader.IsDBNull(2) ? null : new BinlogPosition(reader.GetString(2), Convert.ToUInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
            return new CheckpointState(reader.GetDecimal(0), reader.GetBoolean(1), at);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Before the first run has created its control tables.
            return new CheckpointState(0, false, null);
        }
    }
}
