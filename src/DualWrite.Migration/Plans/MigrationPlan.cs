namespace DualWrite.Migration.Plans;

/// <summary>Where in a plan file something was written (1-based line and column), for error messages.</summary>
public readonly record struct PlanLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A migration plan, as loaded from its YAML file (see docs/migration-plans.md).</summary>
/// <param name="Name">The plan's name (used for checkpoints and metrics).</param>
/// <param name="File">The file it was loaded from.</param>
/// <param name="Source">The MySQL/MariaDB source.</param>
/// <param name="Target">The PostgreSQL target.</param>
/// <param name="Entities">The tables to move.</param>
/// <param name="Backfill">Snapshot import settings.</param>
/// <param name="Cdc">Binlog catch-up settings.</param>
/// <param name="Ddl">What to do when a tracked table's definition changes mid-run.</param>
/// <param name="Gates">Names of the gates a forward phase move must pass.</param>
public sealed record MigrationPlan(
    string Name,
    string File,
    ConnectionPlan Source,
    ConnectionPlan Target,
    IReadOnlyList<EntityPlan> Entities,
    BackfillSettings Backfill,
    CdcSettings Cdc,
    DdlPolicy Ddl,
    IReadOnlyList<string> Gates)
{
    /// <summary>Reconciliation settings: the re-check bound, and how old the last clean report may be for the <c>reconciled</c> gate.</summary>
    public ReconcileSettings Reconcile { get; init; } = new();

    /// <summary>The bounds of the <c>secondary-errors</c> gate.</summary>
    public SecondaryErrorSettings SecondaryErrors { get; init; } = new();
}

/// <summary>
/// How to reach a server. Host, port, user and database may be written in the plan; the password only ever comes
/// from the environment variable <see cref="PasswordEnv"/>. Alternatively <see cref="ConnectionStringEnv"/> names a
/// variable holding a whole connection string.
/// </summary>
public sealed record ConnectionPlan(
    string? Host,
    int? Port,
    string? User,
    string? PasswordEnv,
    string? Database,
    string? Schema,
    string? ConnectionStringEnv,
    PlanLocation Location)
{
    /// <summary>Where the <c>database</c> value is written; null when it is not (then <see cref="Location"/> is the nearest place).</summary>
    public PlanLocation? DatabaseLocation { get; init; }
}

/// <summary>One table to move.</summary>
/// <param name="Name">The entity name (phases, checkpoints); defaults to the table name.</param>
/// <param name="Table">The source table.</param>
/// <param name="TargetTable">The target table (defaults to the source table's name).</param>
/// <param name="Key">The key columns; null means the source's primary key (a given key must equal it).</param>
/// <param name="VersionColumn">A source column holding a version that rises with every change; null means versions come from binlog positions.</param>
/// <param name="Columns">Explicit column mappings; null means every source column, same name, no transform.</param>
/// <param name="Exclude">Source columns not copied (only when <see cref="Columns"/> is null).</param>
/// <param name="ChunkSize">Rows per snapshot chunk for this table; null means the plan's default.</param>
/// <param name="Location">Where the entity is written in the plan.</param>
public sealed record EntityPlan(
    string Name,
    string Table,
    string TargetTable,
    IReadOnlyList<string>? Key,
    string? VersionColumn,
    IReadOnlyList<ColumnPlan>? Columns,
    IReadOnlyList<string> Exclude,
    int? ChunkSize,
    PlanLocation Location)
{
    /// <summary>Where the <c>table</c> value is written; null for an entity built in code.</summary>
    public PlanLocation? TableLocation { get; init; }

    /// <summary>Where the <c>key</c> list is written; null when it is not.</summary>
    public PlanLocation? KeyLocation { get; init; }

    /// <summary>Where the <c>version</c> value is written; null when it is not.</summary>
    public PlanLocation? VersionLocation { get; init; }

    /// <summary>Where each <see cref="Exclude"/> entry is written, in the same order; empty for an entity built in code.</summary>
    public IReadOnlyList<PlanLocation> ExcludeLocations { get; init; } = [];
}

/// <summary>One column mapping: source column → target column, with an optional transform.</summary>
public sealed record ColumnPlan(string Source, string Target, ColumnTransform Transform, PlanLocation Location);

/// <summary>Simple value transforms a column mapping may apply (text columns only).</summary>
public enum ColumnTransform
{
    /// <summary>The value as it is.</summary>
    None,

    /// <summary>Leading and trailing white space removed.</summary>
    Trim,

    /// <summary>Lower case (invariant culture).</summary>
    Lower,

    /// <summary>Upper case (invariant culture).</summary>
    Upper,
}

/// <summary>Snapshot import settings.</summary>
/// <param name="ChunkSize">Rows per chunk (keyset page); each chunk is committed with its checkpoint.</param>
/// <param name="Parallelism">Chunks copied at once, across and within tables.</param>
/// <param name="MaxRowsPerSecond">A rate limit over all tables; 0 means none.</param>
/// <param name="MaxTargetLatency">When a chunk's commit on the target takes longer, the next chunk waits as long again; null means no latency throttle.</param>
public sealed record BackfillSettings(int ChunkSize = 10_000, int Parallelism = 2, int MaxRowsPerSecond = 0, TimeSpan? MaxTargetLatency = null);

/// <summary>Binlog catch-up settings.</summary>
/// <param name="BatchSize">Row changes applied per target transaction at most.</param>
/// <param name="LagBound">The entity is reported caught up when the lag stays under this bound.</param>
public sealed record CdcSettings(int BatchSize = 5_000, TimeSpan? LagBound = null)
{
    /// <summary>
    /// Target connections a batch's changes are applied on at once, split by key (every change of one key goes to one
    /// connection, in order); the batch's position is checkpointed once all of them committed.
    /// </summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>The caught-up bound, 1 s unless set.</summary>
    public TimeSpan EffectiveLagBound => LagBound ?? TimeSpan.FromSeconds(1);
}

/// <summary>Reconciliation settings (the plan's <c>reconcile:</c> section).</summary>
public sealed record ReconcileSettings
{
    /// <summary>How old an entity's last clean reconciliation may be for the <c>reconciled</c> gate to pass; 1 h unless set.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long the reconciler's re-checks wait, in all, for the change feed to pass the point the source was read at; 30 s unless set.</summary>
    public TimeSpan RecheckBound { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The bounds of the <c>secondary-errors</c> gate (the plan's <c>secondaryErrors:</c> section), over the figures application instances report.</summary>
public sealed record SecondaryErrorSettings
{
    /// <summary>How far back the reports are summed (never before the entity entered its phase); 5 min unless set.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The highest share of secondary writes that may fail (0 to 1); 0.001 unless set.</summary>
    public double MaxErrorRate { get; init; } = 0.001;

    /// <summary>The highest share of compared shadow reads that may mismatch (0 to 1); 0.001 unless set.</summary>
    public double MaxMismatchRate { get; init; } = 0.001;

    /// <summary>The fewest secondary writes (for the error rate) and shadow reads (for the mismatch rate) in the window for a rate to be judged; 100 unless set.</summary>
    public int MinOperations { get; init; } = 100;
}

/// <summary>What the backfill does when a tracked table's definition changes while it runs.</summary>
public enum DdlPolicy
{
    /// <summary>Stop with an error naming the table and the statement (the default).</summary>
    Stop,

    /// <summary>Go on when every mapped column still exists with a type that maps the same way; stop otherwise.</summary>
    ApplyCompatible,
}
