namespace DualWrite.MySql.Stores;

/// <summary>
/// The SQL a <see cref="MySqlVersionedStore{TKey, TValue}"/> sends, built from its mapping: every identifier quoted
/// once here, every value bound as a parameter.
/// </summary>
internal sealed class StoreSql
{
    public StoreSql(string? database, string table, string tombstoneTable, IReadOnlyList<string> keyColumns, IReadOnlyList<string> valueColumns, string versionColumn)
    {
        Live = MySqlNames.Qualify(database, table);
        Tombstones = MySqlNames.Qualify(database, tombstoneTable);
        Keys = [.. keyColumns.Select(MySqlNames.Quote)];
        ValueColumns = [.. valueColumns.Select(MySqlNames.Quote)];
        Version = MySqlNames.Quote(versionColumn);
        KeyList = string.Join(", ", Keys);
        KeyOrder = string.Join(", ", Enumerable.Range(1, Keys.Length));
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
    /// A row-value comparison of the key columns with <paramref name="key"/>: <c>(`a`, `b`) &gt; (?, ?)</c>. For a
    /// composite key the leading column is also bounded on its own, because MariaDB does not turn a row comparison
    /// into an index range and would otherwise scan the index from its start on every batch.
    /// </summary>
    public SqlBatch KeyCompare(SqlBatch batch, string comparison, object?[] key)
    {
        if (Keys.Length == 1)
        {
            return batch.Append(Keys[0]).Append(' ' + comparison + ' ').Value(key[0]);
        }

        var leading = comparison[0] == '>' ? ">=" : "<=";
        return batch.Append(Keys[0]).Append(' ' + leading + ' ').Value(key[0])
            .Append(" AND (").Append(KeyList).Append(") " + comparison + " (").Values(key).Append(")");
    }

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
