using DualWrite.Core.Phases;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.Migration.Tests.Engine;
using DualWrite.MySql.Control;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Tests.Gates;

/// <summary>
/// A table `items` in a scratch source database, a scratch target schema, control tables of their own in the source
/// database, a plan over the table validated against the source, and a fake clock for the gates.
/// </summary>
internal sealed class GateRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 9, 14, 10, 0, 0, TimeSpan.Zero);

    private GateRig(BackfillRig servers, PhaseControlTables tables)
    {
        Servers = servers;
        Tables = tables;
    }

    public BackfillRig Servers { get; }

    public PhaseControlTables Tables { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    public ValidatedPlan Plan { get; private set; } = null!;

    public string Schema => Servers.Schema;

    public static async Task<GateRig> CreateAsync(string prefix, Func<MigrationPlan, MigrationPlan>? configure = null)
    {
        var servers = await BackfillRig.CreateAsync(prefix);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var rig = new GateRig(servers, new PhaseControlTables($"g_phase_{suffix}", $"g_audit_{suffix}", $"g_health_{suffix}"));
        await servers.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        var plan = servers.Plan() with { Entities = [BackfillRig.Entity("items")] };
        await rig.ValidateAsync(configure?.Invoke(plan) ?? plan);
        return rig;
    }

    /// <summary>Validates the plan against the source as it is now (after a DDL statement, say).</summary>
    public async Task ValidateAsync(MigrationPlan? plan = null)
    {
        Plan = await Servers.ValidateAsync(plan ?? Plan.Plan);
    }

    public static GateContext Move(MigrationPhase from, DateTimeOffset? since = null) => new("items", from, from + 1) { FromSince = since ?? Now.AddDays(-1) };

    /// <summary>The fingerprint a reconciliation of the plan's `items` stores now.</summary>
    public string Fingerprint => Migration.Gates.ReconciledGate.CurrentFingerprint(TableSpec.From(Plan.Entities[0], Schema, 1000));

    /// <summary>A reconciliation run of `items` as the reconciler records it; finished when <paramref name="finishedAt"/> is set.</summary>
    public async Task AddRunAsync(DateTimeOffset? finishedAt, bool clean = true, string? fingerprint = null, long missing = 0, long differing = 0, string? verifiedAs = null)
    {
        await using var connection = await Servers.Target.OpenConnectionAsync();
        await ReconcileRuns.EnsureAsync(connection, Schema, CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {ReconcileRuns.Runs(Schema)} (plan, entity, started_at, finished_at, schema_fingerprint, clean, missing, extra, differing, lagging, verified_as)
            VALUES (@plan, 'items', @started, @finished, @fingerprint, @clean, @missing, 0, @differing, 0, @verified)
            """, connection);
        command.Parameters.AddWithValue("plan", Plan.Plan.Name);
        command.Parameters.AddWithValue("started", (finishedAt ?? Now).AddMinutes(-3));
        command.Parameters.AddWithValue("finished", finishedAt is { } at ? at : DBNull.Value);
        command.Parameters.AddWithValue("fingerprint", fingerprint ?? Fingerprint);
        command.Parameters.AddWithValue("clean", finishedAt is null ? DBNull.Value : clean);
        command.Parameters.AddWithValue("missing", missing);
        command.Parameters.AddWithValue("differing", differing);
        command.Parameters.AddWithValue("verified", (object?)verifiedAs ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The plan's catch-up checkpoint row with a published lag, as a running catch-up leaves it.</summary>
    public async Task PublishLagAsync(TimeSpan lag, DateTimeOffset measuredAt)
    {
        await using var connection = await Servers.Target.OpenConnectionAsync();
        await TargetSchema.EnsureControlTablesAsync(connection, Schema, CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {TargetSchema.Plans(Schema)} (plan, cdc_file, cdc_offset, cdc_sequence, cdc_started) VALUES (@plan, 'binlog.000001', 4, 1, true) ON CONFLICT DO NOTHING",
            connection);
        command.Parameters.AddWithValue("plan", Plan.Plan.Name);
        await command.ExecuteNonQueryAsync();
        await new Checkpoints(Plan.Plan.Name, Schema).RecordLagAsync(Servers.Target, lag, measuredAt, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await Servers.DisposeAsync();
}
