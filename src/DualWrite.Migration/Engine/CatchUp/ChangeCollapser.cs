using System.Globalization;
using System.Runtime.CompilerServices;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Rows;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Turns a batch's row changes into target rows, collapsed to the last change per key: an update that changes the key
/// becomes a delete of the old key and an upsert of the new one.
/// </summary>
internal sealed class ChangeCollapser
{
    private readonly Dictionary<string, TableSpec> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConditionalWeakTable<TableMap, int[]> _imageIndexes = [];

    /// <summary>Creates the collapser for the plan's tables.</summary>
    public ChangeCollapser(IEnumerable<TableSpec> tables)
    {
        foreach (var table in tables)
        {
            _tables[Name(table.Source.Database, table.Source.Name)] = table;
        }
    }

    /// <summary>The tracked tables.</summary>
    public IReadOnlyCollection<TableSpec> Tables => _tables.Values;

    /// <summary>Whether <paramref name="schema"/>.<paramref name="table"/> is one of the plan's tables (the reader delivers only their rows).</summary>
    public bool Tracks(string schema, string table) => _tables.ContainsKey(Name(schema, table));

    /// <summary>The batch's rows per table, the last change of each key in binlog order.</summary>
    public Dictionary<TableSpec, Dictionary<string, VersionedRow>> Collapse(CatchUpBatch batch)
    {
        var rows = new Dictionary<TableSpec, Dictionary<string, VersionedRow>>();
        foreach (var transaction in batch.Transactions)
        {
            foreach (var change in transaction.Changes)
            {
                Collect(rows, change, transaction.Position);
            }
        }

        return rows;
    }

    private void Collect(Dictionary<TableSpec, Dictionary<string, VersionedRow>> batch, RowChange change, BinlogPosition position)
    {
        var table = _tables[Name(change.Table.Schema, change.Table.Table)];
        var indexes = _imageIndexes.GetValue(change.Table, map => ImageIndexes(table, map));
        if (!batch.TryGetValue(table, out var rows))
        {
            batch[table] = rows = new Dictionary<string, VersionedRow>(StringComparer.Ordinal);
        }

        var positionVersion = BinlogVersion.Of(position);
        if (change.Before is { } before && (change.After is null || Key(table, indexes, before) != Key(table, indexes, change.After)))
        {
            // A delete, or the old key of an update that changed the key.
            rows[Key(table, indexes, before)] = ToRow(table, indexes, before, positionVersion, deleted: true);
        }

        if (change.After is { } after)
        {
            rows[Key(table, indexes, after)] = ToRow(table, indexes, after, positionVersion, deleted: false);
        }
    }

    private static int[] ImageIndexes(TableSpec table, TableMap map)
    {
        if (!map.HasColumnNames)
        {
            throw new BackfillException(BackfillError.SchemaChanged,
                $"The binlog's table map for {table.Source} has no column names; the source needs binlog_row_metadata=FULL.");
        }

        return table.SelectedColumns.Select(c =>
        {
            var found = map.Columns.FirstOrDefault(m => string.Equals(m.Name, c.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new BackfillException(BackfillError.SchemaChanged, $"The binlog's rows for {table.Source} have no column `{c.Name}`: the table changed without a DDL statement the catch-up saw.");
            return found.Ordinal;
        }).ToArray();
    }

    private static string Key(TableSpec table, int[] indexes, object?[] image) =>
        KeyCodec.Encode(table.KeyColumns.Select(k => image[indexes[k]]).ToArray());

    /// <summary>
    /// The change as a row for the target. Its version is the version column's value when the plan names one, else the
    /// transaction's binlog position. A delete with a version column is one version past the row it deletes: the
    /// tombstone the MySQL store's trigger (or the store itself, at a newer version) records for the same delete, so a
    /// delete the target already holds from the application is ignored and one that bypassed the application lands.
    /// </summary>
    private static VersionedRow ToRow(TableSpec table, int[] indexes, object?[] image, long positionVersion, bool deleted)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = deleted && !table.KeyColumns.Contains(i) ? null : table.Columns[i].Convert(image[indexes[i]]);
        }

        var version = table.Version is null ? positionVersion : Convert.ToInt64(image[indexes[^1]], CultureInfo.InvariantCulture) + (deleted ? 1 : 0);
        return new VersionedRow(values, version, deleted);
    }

    private static string Name(string schema, string table) => schema + "\u0001" + table;
}
