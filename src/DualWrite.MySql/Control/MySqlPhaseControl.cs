using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace DualWrite.MySql.Control;

/// <summary>
/// Reads and changes entities' phases in the MySQL control tables: every change is decided by a
/// <see cref="PhaseTransitionPlanner"/> (gates for forward moves) and written as a compare-and-set of the
/// phase row together with its audit row, in one transaction. Application instances follow the phase table
/// through <see cref="MySqlPhaseConfigurationSource"/>.
/// </summary>
public sealed partial class MySqlPhaseControl : IPhaseTransitioner
{
    /// <summary>The audit <c>kind</c> of the row that creates an entity's phase.</summary>
    public const string InitializeKind = "Initialize";

    /// <summary>The audit <c>kind</c> of a row that records a reconciliation someone started (the phase is unchanged).</summary>
    public const string ReconcileKind = "Reconcile";

    /// <summary>The audit <c>outcome</c> of a change that was made; a refusal holds its <see cref="PhaseTransitionRejection"/> name.</summary>
    public const string AppliedOutcome = "Applied";

    private readonly MySqlDataSource _dataSource;
    private readonly PhaseTransitionPlanner _planner;
    private readonly PhaseControlSql _sql;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile bool _auditHasOutcome;

    /// <summary>Creates the control over the tables named by <paramref name="tables"/> in <paramref name="dataSource"/>'s database.</summary>
    /// <param name="dataSource">The control database (the connection string's database holds the tables).</param>
    /// <param name="planner">Decides every change; its gates hold forward moves and its clock stamps them.</param>
    /// <param name="tables">The control table names; the defaults when null.</param>
    /// <param name="timeProvider">Stamps initializations; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives applied, rejected and conflicting changes.</param>
    public MySqlPhaseControl(
        MySqlDataSource dataSource,
        PhaseTransitionPlanner planner,
        PhaseControlTables? tables = null,
        TimeProvider? timeProvider = null,
        ILogger<MySqlPhaseControl>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(planner);
        _dataSource = dataSource;
        _planner = planner;
        Tables = tables ?? new PhaseControlTables();
        _sql = new PhaseControlSql(Tables);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The control tables this instance reads and writes.</summary>
    public PhaseControlTables Tables { get; }

    /// <summary>
    /// Creates the phase, audit and health report tables when they do not exist, and gives an audit table made before
    /// refusals were audited its <c>outcome</c> column; safe to run on every start.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, null, _sql.CreatePhaseTable, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, _sql.CreateAuditTable, cancellationToken).ConfigureAwait(false);
            await EnsureAuditOutcomeAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, new Health.HealthReportSql(Tables).CreateTable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The data source of the control database, for what lives beside the phase tables (the health reports).</summary>
    internal MySqlDataSource DataSource => _dataSource;

    /// <summary>Adds the <c>outcome</c> column to an audit table that lacks it (once per instance; every row it holds is an applied change).</summary>
    private async Task EnsureAuditOutcomeAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        if (_auditHasOutcome)
        {
            return;
        }

        var check = new MySqlCommand(_sql.AuditHasOutcome, connection);
        await using (check.ConfigureAwait(false))
        {
            check.Parameters.AddWithValue("@table", Tables.AuditTable);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                try
                {
                    await ExecuteAsync(connection, null, _sql.AddAuditOutcome, cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == MySqlErrors.DuplicateColumn)
                {
                    // Another instance added it meanwhile.
                }
            }
        }

        _auditHasOutcome = true;
    }

    /// <summary>
    /// Puts <paramref name="entity"/> in <see cref="MigrationPhase.OldOnly"/> with an audit row, unless it already
    /// has a phase (which is left as it is).
    /// </summary>
    /// <returns>True when the entity was initialized now; false when it already had a phase.</returns>
    public async Task<bool> InitializeAsync(string entity, string actor, CancellationToken cancellationToken)
    {
        PhaseFlagSchema.ValidateEntity(entity);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var at = Microseconds(_timeProvider.GetUtcNow());
        var phase = MigrationPhaseExtensions.First.ToString();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await EnsureAuditOutcomeAsync(connection, cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    await ExecuteAsync(connection, transaction, _sql.InsertPhase, cancellationToken,
                        ("@entity", entity), ("@phase", phase), ("@revision", 1L), ("@at", at.UtcDateTime), ("@actor", actor)).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == DuplicateKey)
                {
                    return false;
                }

                await ExecuteAsync(connection, transaction, _sql.InsertAudit, cancellationToken,
                    ("@entity", entity), ("@from", null), ("@to", phase), ("@kind", InitializeKind), ("@actor", actor),
                    ("@reason", "entity registered for migration"), ("@at", at.UtcDateTime), ("@gates", "[]"), ("@revision", 1L), ("@outcome", AppliedOutcome)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        LogInitialized(_logger, entity, actor);
        return true;
    }

    /// <summary>DATETIME(6) keeps microseconds: values are cut to that before they are stored and returned, so what is returned is what a later read gives.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private const int DuplicateKey = 1062;
}
