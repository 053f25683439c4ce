namespace DualWrite.MySql.Replication;

/// <summary>
/// One committed transaction from the binlog: its row changes, or one DDL statement. <see cref="Position"/>
/// is the point just after its commit: acknowledge it once the changes are applied, and resume from it.
/// </summary>
public sealed class BinlogTransaction
{
    internal BinlogTransaction(BinlogPosition position, string? gtid, DateTimeOffset commitTime, IReadOnlyList<RowChange> changes, SchemaChange? schemaChange)
    {
        Position = position;
        Gtid = gtid;
        CommitTime = commitTime;
        Changes = changes;
        SchemaChange = schemaChange;
    }

    /// <summary>The position just after this transaction's commit event.</summary>
    public BinlogPosition Position { get; }

    /// <summary>The transaction's GTID (MariaDB <c>domain-server-seq</c>, MySQL <c>uuid:gno</c>), when the source has one.</summary>
    public string? Gtid { get; }

    /// <summary>When the source committed the transaction (second precision).</summary>
    public DateTimeOffset CommitTime { get; }

    /// <summary>The row changes of the tracked tables, in binlog order.</summary>
    public IReadOnlyList<RowChange> Changes { get; }

    /// <summary>The DDL statement, when this transaction is one.</summary>
    public SchemaChange? SchemaChange { get; }

    /// <inheritdoc />
    public override string ToString() => SchemaChange is { } ddl
        ? $"DDL at {Position}: {ddl.Kind} {string.Join(", ", ddl.Tables)}"
        : $"transaction {Gtid ?? "-"} at {Position}: {Changes.Count} change(s)";
}
