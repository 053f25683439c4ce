using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Gates;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.Core.Phases;
using DualWrite.MySql.Control;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Stores;
using DualWrite.Samples.Orders.Data;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// The orders table's backfill, as <c>dualwrite backfill run --plan migration-plans/orders.yaml</c> runs it: the same
/// plan (built here for the run's database and schema), validated against the source, a snapshot import into
/// PostgreSQL and then the binlog catch-up, which keeps running as the backstop through every later phase (it carries
/// the writes that bypass the application) until <see cref="StopAsync"/>. A catch-up that loses the source or the target
/// (a restart, a connection that hangs past its timeout) resumes from its checkpoint once the server answers again,
/// as an operator's supervisor would restart <c>dualwrite backfill run</c> after its exit code 3.
/// </summary>
public sealed class SampleBackfill
{
    private readonly string _sourceConnectionString;
    private readonly NpgsqlDataSource _target;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private volatile BackfillRunner _runner;
    private Task<BackfillReport>? _running;
    private int _stopped;
    private int _resumes;

    private SampleBackfill(ValidatedPlan plan, string sourceConnectionString, NpgsqlDataSource target, TextWriter log)
    {
        Plan = plan;
        _sourceConnectionString = sourceConnectionString;
        _target = target;
        _log = TextWriter.Synchronized(log);
        _runner = NewRunner();
    }

    /// <summary>The validated plan.</summary>
    public ValidatedPlan Plan { get; }

    /// <summary>The run's progress: rows copied, changes applied, lag, position (since the catch-up last resumed).</summary>
    public BackfillProgress Progress => _runner.Progress;

    /// <summary>How many times the catch-up lost a server and resumed from its checkpoint.</summary>
    public int Resumes => Volatile.Read(ref _resumes);

    /// <summary>
    /// The plan for <c>orders</c> from <paramref name="database"/> into <paramref name="schema"/>, validated against the
    /// source; <paramref name="log"/> hears when the catch-up loses a server and resumes.
    /// </summary>
    /// <exception cref="PlanException">The table does not fit the plan.</exception>
    public static async Task<SampleBackfill> CreateAsync(
        string sourceConnectionString, string database, NpgsqlDataSource target, string schema, CancellationToken cancellationToken, TextWriter? log = null)
    {
        var location = new PlanLocation("sample-orders (in code)", 0, 0);
        var plan = new MigrationPlan(
            "sample-orders",
            location.File,
            new ConnectionPlan(null, null, null, null, database, null, null, location),
            new ConnectionPlan(null, null, null, null, null, schema, null, location),
            [new EntityPlan(OrderTable.Entity, OrderTable.Name, PgOrderTable.Name, ["customer_id", "order_no"], MySqlVersioning.DefaultVersionColumn, null, [], null, location)],
            new BackfillSettings(ChunkSize: 2000, Parallelism: 2),
            new CdcSettings(BatchSize: 1000, LagBound: TimeSpan.FromSeconds(1)),
            DdlPolicy.Stop,
            []);
        var source = new MySqlConnectionStringBuilder(sourceConnectionString) { Database = database }.ConnectionString;
        var connection = new MySqlConnection(source);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var validated = await PlanValidator.ValidateAsync(plan, connection, cancellationToken).ConfigureAwait(false);
            return new SampleBackfill(validated, source, target, log ?? TextWriter.Null);
        }
    }

    /// <summary>The gates every forward move of the plan's entities passes (the version order, at least), with the phase tables in the source's database.</summary>
    public IReadOnlyList<IPhaseGate> Gates(MySqlDataSource source) => PlanGates.For(Plan, new GateServers(source, source, new PhaseControlTables()) { Target = _target });

    /// <summary>Starts the snapshot and then the catch-up, and returns once the catch-up is caught up, with what it did.</summary>
    /// <exception cref="SampleMigrationException">The backfill stopped before it was caught up.</exception>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        _running = SuperviseAsync(_stop.Token);
        await UntilAsync(() => Progress.CaughtUp, "to be caught up", cancellationToken).ConfigureAwait(false);
        var rows = Progress.Tables.Values.Sum(t => t.Rows);
        var seconds = Progress.Tables.Values.Max(t => t.Elapsed.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"backfill: {rows} rows imported in {seconds:0.00} s ({rows / Math.Max(seconds, 0.001):0} rows/s), catch-up caught up after {watch.Elapsed.TotalSeconds:0.00} s ({Progress.ChangesApplied} changes)");
    }

    /// <summary>Waits until the catch-up has applied everything the source has logged so far; returns how long that took.</summary>
    public async Task<TimeSpan> DrainAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var head = await new BinlogReader(_sourceConnectionString).GetCurrentPositionAsync(cancellationToken).ConfigureAwait(false);
        await UntilAsync(() => Progress.AppliedPosition >= head, $"to apply the binlog up to {head}", cancellationToken).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>
    /// Reconciles the table, source against target, while the catch-up runs (chunk digests, then row by row; a
    /// difference is re-checked once the catch-up has passed the source's read), from a fresh run.
    /// </summary>
    public Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var reconciler = PlanReconciler.Create(Plan, _sourceConnectionString, _target);
        return reconciler.RunAsync(reconciler.DefaultOptions with { Fresh = true }, null, null, cancellationToken);
    }

    /// <summary>Stops the catch-up (once; later calls return at once).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or what it wraps) is a lost or refused connection, a timeout or a server
    /// shutting down, which end once the server answers again, as opposed to a refused plan, DDL or purged binlog.
    /// </summary>
    internal static bool IsTransient(Exception exception)
    {
        for (Exception? at = exception; at is not null; at = at.InnerException)
        {
            if (at is BackfillException)
            {
                return false;
            }

            if (at is NpgsqlException { IsTransient: true } or MySqlException { IsTransient: true } or BinlogException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private BackfillRunner NewRunner() => BackfillRunner.Create(Plan, _sourceConnectionString, _target, TextWriter.Null);

    private async Task<BackfillReport> SuperviseAsync(CancellationToken cancellationToken)
    {
        var options = new BackfillOptions { Resnapshot = true, CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero };
        var wait = FirstRetry;
        BinlogPosition? lostAt = null;
        while (true)
        {
            try
            {
                return await _runner.RunAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (!options.Resnapshot || _runner.Progress.AppliedPosition is not null) && IsTransient(ex))
            {
                // The snapshot is done and checkpointed (this runner reached the catch-up, or an earlier one did and
                // this one resumed): the catch-up resumes from its recorded position once the server answers again,
                // with a fresh runner, so the figures start over. A runner that moved the position on since the last
                // failure was a resume that worked, so the back-off starts over too.
                if (_runner.Progress.AppliedPosition is { } reached && (lostAt is null || reached > lostAt))
                {
                    wait = FirstRetry;
                    lostAt = reached;
                }

                await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"catch-up: lost a server ({ex.GetBaseException().Message}); resuming from its checkpoint in {wait.TotalSeconds:0.##} s")).ConfigureAwait(false);
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastRetry.Ticks));
                options = options with { Resnapshot = false };
                _runner = NewRunner();
                Interlocked.Increment(ref _resumes);
            }
        }
    }

    private async Task UntilAsync(Func<bool> done, string what, CancellationToken cancellationToken)
    {
        while (!done())
        {
            if (_running is { IsCompleted: true } running)
            {
                var why = running.IsFaulted ? running.Exception!.GetBaseException().Message : "it ended";
                var message = $"The backfill stopped before it came {what}: {why}";
                throw running.Exception?.GetBaseException() is { } cause ? new SampleMigrationException(message, cause) : new SampleMigrationException(message);
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }
}
