using DualWrite.Core.Relational;

namespace DualWrite.MySql.Stores;

/// <summary>
/// The SQL a <see cref="MySqlVersionedStore{TKey, TValue}"/> sends, built from its mapping's table definition: every
/// identifier quoted once here, every value bound as a parameter.
/// </summary>
internal sealed class StoreSql
{
    private readonly KeyRangeSql _keyRange;

    public StoreSql(TableDefinition table)
    {
        Live = table.QuotedTable;
        Tombstones = table.QuotedTombstoneTable;
        Keys = [.. table.KeyColumns.Select(MySqlNames.Quote)];
        ValueColumns = [.. table.ValueColumns.Select(MySqlNames.Quote)];
        Version = MySqlNames.Quote(table.VersionColumn);
        KeyList = string.Join(", ", Keys);
        KeyOrder = string.Join(", ", Enumerable.Range(1, Keys.Length));
        _keyRange = table.KeyRange;
    }

    /// <summary>The application's table, qualified and quoted.</summary>
    public string Live { get; }

    /// <summary>The tombstone table, qualified and quoted.</summary>
    public string Tombstones { get; }

    public string[] Keys { get; }

    public string[] ValueColumns { get; }

    public string Version { get; }

    /// <summary>The quoted key columns, comma-separated.</summary>
    public string KeyList { get; }

    /// <summary>
    /// ORDER BY positions of the key columns (they lead every select list). Positions, not names: a select list that
    /// adds a literal column could otherwise shadow a key column of the same name.
    /// </summary>
    public string KeyOrder { get; }

    /// <summary>
    /// <c>`k` IN (?, ?)</c>, or <c>((`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?))</c> for a composite key. Not the
    /// row-constructor form <c>(`a`, `b`) IN ((?, ?))</c>: MariaDB plans that as a scan in DELETE and UPDATE, which
    /// then lock-waits on every row other writers hold and deadlocks with them.
    /// </summary>
    public SqlBatch KeysIn(SqlBatch batch, IReadOnlyList<object?[]> keys)
    {
        if (Keys.Length == 1)
        {
            batch.Append(Keys[0]).Append(" IN (");
            for (var i = 0; i < keys.Count; i++)
            {
                batch.Append(i == 0 ? "" : ", ").Value(keys[i][0]);
            }

            return batch.Append(")");
        }

        batch.Append("(");
        for (var i = 0; i < keys.Count; i++)
        {
            KeyEquals(batch.Append(i == 0 ? "(" : " OR ("), keys[i]).Append(")");
        }

        return batch.Append(")");
    }

    /// <summary><c>`a` = ? AND `b` = ?</c>.</summary>
    public SqlBatch KeyEquals(SqlBatch batch, object?[] key)
    {
        for (var i = 0; i < Keys.Length; i++)
        {
            batch.Append(i == 0 ? "" : " AND ").Append(Keys[i]).Append(" = ").Value(key[i]);
        }

        return batch;
    }

    /// <summary>
    /// The key range <c>lower ≤ key &lt; upper</c> (<c>lower &lt; key</c> when not <paramref name="lowerInclusive"/>), each
    /// bound a row-value comparison with the leading key column also bounded on its own (<see cref="MySqlDialect"/>);
    /// <c>TRUE</c> without bounds.
    /// </summary>
    public SqlBatch KeyRange(SqlBatch batch, object?[]? lower, bool lowerInclusive, object?[]? upper) =>
        batch.Append(_keyRange.Condition(lower, lowerInclusive, upper, (_, value) => batch.Bind(value)));

    /// <summary>Locking reads of the stored versions: two result sets (key columns, version), live rows then tombstones.</summary>
    public SqlBatch LockVersions(SqlBatch batch, IReadOnlyList<object?[]> keys)
    {
        SelectVersions(batch, Live, keys);
        return SelectVersions(batch, Tombstones, keys);
    }

    /// <summary>A locking read of the key columns and versions in <paramref name="table"/> for <paramref name="keys"/>.</summary>
    public SqlBatch SelectVersions(SqlBatch batch, string table, IReadOnlyList<object?[]> keys)
    {
        batch.Append("SELECT ").Append(KeyList).Append(", ").Append(Version).Append(" FROM ").Append(table).Append(" WHERE ");
        return KeysIn(batch, keys).Append(" FOR UPDATE").EndStatement();
    }
}
