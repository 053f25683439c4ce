using DualWrite.Migration.Plans;
using DualWrite.Migration.Schema;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Schema;
using MySqlConnector;

namespace DualWrite.Migration.Engine;

/// <summary>
/// The plan's <c>ddl:</c> setting at work: decides, for a DDL statement in the binlog, whether the catch-up may go on
/// past it. <see cref="DdlPolicy.Stop"/> refuses any statement on a tracked table; <see cref="DdlPolicy.ApplyCompatible"/>
/// reads the table again and goes on only when every mapped column and the primary key are as the plan has them.
/// </summary>
internal sealed class SchemaChangePolicy
{
    private const int StatementShown = 300;

    private readonly DdlPolicy _policy;
    private readonly IReadOnlyCollection<TableSpec> _tables;
    private readonly MySqlDataSource _source;
    private readonly TextWriter _log;

    /// <summary>Creates the policy for the plan's tracked tables.</summary>
    public SchemaChangePolicy(DdlPolicy policy, IReadOnlyCollection<TableSpec> tables, MySqlDataSource source, TextWriter log)
    {
        _policy = policy;
        _tables = tables;
        _source = source;
        _log = log;
    }

    /// <summary>Returns when the catch-up may go on past <paramref name="ddl"/> (saying so for each tracked table it touched).</summary>
    /// <exception cref="BackfillException"><see cref="BackfillError.SchemaChanged"/>: the policy refuses the statement; the message names the table, the statement and what to do.</exception>
    public async Task CheckAsync(SchemaChange ddl, CancellationToken cancellationToken)
    {
        foreach (var table in _tables.Where(t => ddl.Affects(t.Source.Database, t.Source.Name)))
        {
            var statement = ddl.Sql.Length > StatementShown ? ddl.Sql[..StatementShown] + "…" : ddl.Sql;
            if (_policy == DdlPolicy.Stop)
            {
                throw new BackfillException(BackfillError.SchemaChanged,
                    $"{ddl.Kind} on the tracked table {table.Source}: `{statement}`. The plan's DDL policy is `stop`: apply the change to the target " +
                    $"table {table.TargetSchema}.{table.TargetTable} and the plan, then resume (or set `ddl: apply-compatible` for changes that leave the mapped columns as they are).");
            }

            var problem = await IncompatibilityAsync(table, ddl, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                throw new BackfillException(BackfillError.SchemaChanged,
                    $"{ddl.Kind} on the tracked table {table.Source}: `{statement}` {problem}, so the mapping no longer holds (DDL policy `apply-compatible`). " +
                    "Update the target table and the plan, then resume, or re-snapshot the table.");
            }

            await _log.WriteLineAsync($"{ddl.Kind} on {table.Source} leaves every mapped column as it was; going on (`{statement}`).").ConfigureAwait(false);
        }
    }

    private async Task<string?> IncompatibilityAsync(TableSpec table, SchemaChange ddl, CancellationToken cancellationToken)
    {
        if (ddl.Kind is SchemaChangeKind.Drop or SchemaChangeKind.Rename or SchemaChangeKind.Truncate)
        {
            return ddl.Kind == SchemaChangeKind.Truncate ? "empties the table without row events" : "removes or renames the table";
        }

        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var now = await MySqlSchemaReader.ReadTableAsync(connection, table.Source.Database, table.Source.Name, cancellationToken).ConfigureAwait(false);
            if (now is not { IsBaseTable: true })
            {
                return "removes the table";
            }

            foreach (var column in table.SelectedColumns)
            {
                var current = now.Find(column.Name);
                if (current is null)
                {
                    return $"drops or renames column `{column.Name}`";
                }

                if (!TypeMapping.TryMap(current, out var type, out _) || type.Sql != TypeMapping.Map(column).Sql)
                {
                    return $"changes column `{column.Name}` from {column.ColumnType} to {current.ColumnType}";
                }
            }

            if (!now.PrimaryKey.SequenceEqual(table.Source.PrimaryKey, StringComparer.OrdinalIgnoreCase))
            {
                return $"changes the primary key to ({string.Join(", ", now.PrimaryKey)})";
            }
        }

        return null;
    }
}
