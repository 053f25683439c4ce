using DualWrite.MySql.Control;

namespace DualWrite.MySql.Health;

/// <summary>The statements over the health report table; every identifier is quoted.</summary>
internal sealed class HealthReportSql
{
    public HealthReportSql(PhaseControlTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var table = MySqlNames.Quote(tables.HealthTable);

        // One row per entity, instance and report window; utf8mb4_bin like the phase tables, so entities compare ordinally.
        CreateTable = $"""
            CREATE TABLE IF NOT EXISTS {table} (
              `id` BIGINT NOT NULL AUTO_INCREMENT,
              `entity` VARCHAR(191) NOT NULL,
              `instance` VARCHAR(191) NOT NULL,
              `phase` VARCHAR(64) NULL,
              `window_start` DATETIME(6) NOT NULL,
              `window_end` DATETIME(6) NOT NULL,
              `secondary_writes` BIGINT NOT NULL,
              `secondary_errors` BIGINT NOT NULL,
              `shadow_reads` BIGINT NOT NULL,
              `shadow_mismatches` BIGINT NOT NULL,
              PRIMARY KEY (`id`),
              KEY `ix_entity_window` (`entity`, `window_start`),
              KEY `ix_window_end` (`window_end`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """;
        InsertPrefix = $"""
            INSERT INTO {table} (`entity`, `instance`, `phase`, `window_start`, `window_end`, `secondary_writes`, `secondary_errors`, `shadow_reads`, `shadow_mismatches`) VALUES
            """;
        Sum = $"""
            SELECT COUNT(DISTINCT `instance`), COALESCE(SUM(`secondary_writes`), 0), COALESCE(SUM(`secondary_errors`), 0),
                   COALESCE(SUM(`shadow_reads`), 0), COALESCE(SUM(`shadow_mismatches`), 0), MIN(`window_start`), MAX(`window_end`)
              FROM {table} WHERE `entity` = @entity AND `window_start` >= @since
            """;
        DeleteOlder = $"DELETE FROM {table} WHERE `window_end` < @before LIMIT 10000";
    }

    public string CreateTable { get; }

    /// <summary>The INSERT up to its VALUES; the rows follow as <c>(@e0, @i0, …)</c> groups.</summary>
    public string InsertPrefix { get; }

    public string Sum { get; }

    public string DeleteOlder { get; }
}
