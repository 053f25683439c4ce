using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// One plan entity's MySQL table and PostgreSQL table as a reconciliation pair: the source read on MySqlConnector
/// (<see cref="SourceRows"/>), the target on Npgsql (<see cref="TargetRows"/>), both in one key order
/// (<see cref="KeyColumn"/>) and one canonical form (<see cref="CanonicalValues"/>); the plan's catch-up as the feed
/// (<see cref="CatchUpFeed"/>); repairs through the target table's guarded writes (<see cref="PlanRepairer"/>). The
/// ranges are the backfill's split (<see cref="KeyRanges"/>), kept with the run so a resumed run compares the same ones.
/// </summary>
internal sealed class PlanReconcilePair : IReconcilePair
{
    private readonly TableSpec _table;
    private readonly MySqlDataSource _source;
    private readonly int _parallelism;
    private readonly PlanCheckpoints? _checkpoints;

    /// <summary>Creates the pair of <paramref name="table"/>.</summary>
    /// <param name="table">The entity's table.</param>
    /// <param name="source">The source (with <see cref="DualWrite.MySql.Values.MySqlExactSettings"/>).</param>
    /// <param name="target">The target.</param>
    /// <param name="feed">The catch-up's feed.</param>
    /// <param name="parallelism">The plan's parallelism, which the split is cut for.</param>
    /// <param name="checkpoints">The entity's run, which keeps the ranges and records repairs; null for a pair that keeps nothing and cannot repair.</param>
    /// <exception cref="NotSupportedException">A key column cannot be ordered alike on both sides (a transform, an array or JSON key).</exception>
    public PlanReconcilePair(TableSpec table, MySqlDataSource source, NpgsqlDataSource target, IChangeFeed feed, int parallelism, PlanCheckpoints? checkpoints)
    {
        _table = table;
        _source = source;
        _parallelism = parallelism;
        _checkpoints = checkpoints;
        var keys = KeyColumn.Of(table);
        KeyOrder = new PlanKeyOrder(keys);
        var sourceRows = new SourceRows(table, keys, source);
        var targetRows = new TargetRows(table, keys, target);
        Source = sourceRows;
        Target = targetRows;
        Feed = feed;
        Columns = [.. table.Columns.Select(c => c.Target)];
        SchemaFingerprint = Fingerprint(table);
        Repairer = checkpoints is null ? null : new PlanRepairer(table, keys, sourceRows, targetRows, target, checkpoints);
    }

    /// <inheritdoc />
    public string Entity => _table.Entity;

    /// <inheritdoc />
    public string Display => _table.ToString();

    /// <inheritdoc />
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public bool VersionsCompared => _table.Version is not null;

    /// <inheritdoc />
    public IComparer<RowKey> KeyOrder { get; }

    /// <inheritdoc />
    public IRowSource Source { get; }

    /// <inheritdoc />
    public IRowSource Target { get; }

    /// <inheritdoc />
    public IChangeFeed Feed { get; }

    /// <inheritdoc />
    public IReconcileRepairer? Repairer { get; }

    /// <inheritdoc />
    public string SchemaFingerprint { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReconcileRange>> SplitAsync(CancellationToken cancellationToken)
    {
        async Task<IReadOnlyList<(long? Low, long? High)>> Split() =>
            await KeyRanges.SplitAsync(_source, _table, _parallelism, minimum: 0, cancellationToken).ConfigureAwait(false);

        var bounds = _checkpoints is null ? await Split().ConfigureAwait(false) : await _checkpoints.RangesAsync(Split, cancellationToken).ConfigureAwait(false);
        var first = _table.Keys.First().Source.Name;
        return [.. bounds.Select((b, i) => new ReconcileRange(i, Describe(first, b.Low, b.High), new KeyBounds(b.Low, b.High)))];
    }

    /// <summary>
    /// A stable hash of the mapping a reconciliation compares: the source table, every column's source name and type,
    /// target name, type and transform, the key and the version column. A gate recomputes it for the current plan to
    /// tell whether a finished report still describes it.
    /// </summary>
    internal static string Fingerprint(TableSpec table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder("dualwrite.reconcile.plan-pair/1\n")
            .Append(CultureInfo.InvariantCulture, $"{table.Source.Database}.{table.Source.Name} -> {table.TargetSchema}.{table.TargetTable}\n");
        foreach (var column in table.Columns)
        {
            text.Append(CultureInfo.InvariantCulture, $"{column.Source.Name} {column.Source.ColumnType} -> {column.Target} {column.Type.Sql}{(column.Type.StagedAsText ? " (text)" : "")} {column.Transform}\n");
        }

        text.Append("key ").AppendJoin(",", table.Keys.Select(k => k.Target)).Append('\n');
        text.Append("version ").Append(table.Version is { } version ? $"{version.Name} {version.ColumnType}" : "binlog").Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private static string Describe(string first, long? low, long? high) => (low, high) switch
    {
        (null, null) => "all keys",
        (null, { } h) => string.Create(CultureInfo.InvariantCulture, $"{first} < {h}"),
        ({ } l, null) => string.Create(CultureInfo.InvariantCulture, $"{first} >= {l}"),
        ({ } l, { } h) => string.Create(CultureInfo.InvariantCulture, $"{first} in [{l}, {h})"),
    };
}
