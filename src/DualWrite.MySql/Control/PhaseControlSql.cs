using MySqlConnector;

namespace DualWrite.MySql.Control;

/// <summary>The statements over one pair of control tables; every identifier is quoted.</summary>
internal sealed class PhaseControlSql
{
    public PhaseControlSql(PhaseControlTables tables)
    {
        var phase = MySqlNames.Quote(tables.PhaseTable);
        var audit = MySqlNames.Quote(tables.AuditTable);

        // utf8mb4_bin: entity names compare ordinally, as the phase source's lookups do.
        CreatePhaseTable = $"""
            CREATE TABLE IF NOT EXISTS {phase} (
              `entity` VARCHAR(191) NOT NULL,
              `phase` VARCHAR(64) NOT NULL,
              `revision` BIGINT NOT NULL,
              `updated_at` DATETIME(6) NOT NULL,
              `updated_by` VARCHAR(255) NOT NULL,
              PRIMARY KEY (`entity`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """;
        CreateAuditTable = $"""
            CREATE TABLE IF NOT EXISTS {audit} (
              `id` BIGINT NOT NULL AUTO_INCREMENT,
              `entity` VARCHAR(191) NOT NULL,
              `from_phase` VARCHAR(64) NULL,
              `to_phase` VARCHAR(64) NOT NULL,
              `kind` VARCHAR(32) NOT NULL,
              `actor` VARCHAR(255) NOT NULL,
              `reason` VARCHAR(2000) NOT NULL,
              `at` DATETIME(6) NOT NULL,
              `gates` TEXT NOT NULL,
              `revision` BIGINT NOT NULL,
              `outcome` VARCHAR(32) NOT NULL DEFAULT 'Applied',
              PRIMARY KEY (`id`),
              KEY `ix_entity_id` (`entity`, `id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """;
        // Audit tables made before refusals were audited lack the outcome column; every row they hold is an applied change.
        AuditHasOutcome = """
            SELECT COUNT(*) FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @table AND COLUMN_NAME = 'outcome'
            """;
        AddAuditOutcome = $"ALTER TABLE {audit} ADD COLUMN `outcome` VARCHAR(32) NOT NULL DEFAULT 'Applied'";
        SelectPhases = $"SELECT `entity`, `phase`, `revision`, `updated_at`, `updated_by` FROM {phase} ORDER BY `entity`";
        SelectPhase = $"SELECT `entity`, `phase`, `revision`, `updated_at`, `updated_by` FROM {phase} WHERE `entity` = @entity";
        PollPhases = $"SELECT `entity`, `phase`, `revision` FROM {phase} ORDER BY `entity`";
        InsertPhase = $"INSERT INTO {phase} (`entity`, `phase`, `revision`, `updated_at`, `updated_by`) VALUES (@entity, @phase, @revision, @at, @actor)";

        // Compare-and-set: the row moves only if it still holds the phase and revision the decision was made on.
        UpdatePhase = $"""
            UPDATE {phase} SET `phase` = @to, `revision` = @revision + 1, `updated_at` = @at, `updated_by` = @actor
             WHERE `entity` = @entity AND `phase` = @from AND `revision` = @revision
            """;
        InsertAudit = $"""
            INSERT INTO {audit} (`entity`, `from_phase`, `to_phase`, `kind`, `actor`, `reason`, `at`, `gates`, `revision`, `outcome`)
            VALUES (@entity, @from, @to, @kind, @actor, @reason, @at, @gates, @revision, @outcome)
            """;
        SelectHistory = $"""
            SELECT `id`, `entity`, `from_phase`, `to_phase`, `kind`, `actor`, `reason`, `at`, `gates`, `revision`, `outcome`
              FROM {audit} WHERE `entity` = @entity ORDER BY `id`
            """;
    }

    public string CreatePhaseTable { get; }

    public string CreateAuditTable { get; }

    public string AuditHasOutcome { get; }

    public string AddAuditOutcome { get; }

    public string SelectPhases { get; }

    public string SelectPhase { get; }

    public string PollPhases { get; }

    public string InsertPhase { get; }

    public string UpdatePhase { get; }

    public string InsertAudit { get; }

    public string SelectHistory { get; }
}
