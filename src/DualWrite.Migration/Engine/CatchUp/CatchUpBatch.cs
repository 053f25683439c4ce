using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Whole transactions the catch-up applies in one target transaction. A DDL statement only ever leads a batch, so the
/// changes before it are applied (and checkpointed) before its policy is decided.
/// </summary>
internal sealed class CatchUpBatch
{
    /// <summary>An idle tick: nothing arrived while the batcher waited.</summary>
    public static readonly CatchUpBatch None = new([], 0);

    /// <summary>Creates a batch of <paramref name="transactions"/>, holding <paramref name="changes"/> row changes in all.</summary>
    public CatchUpBatch(IReadOnlyList<BinlogTransaction> transactions, int changes)
    {
        Transactions = transactions;
        Changes = changes;
    }

    /// <summary>The transactions in binlog order; empty for <see cref="None"/>.</summary>
    public IReadOnlyList<BinlogTransaction> Transactions { get; }

    /// <summary>How many row changes the transactions hold.</summary>
    public int Changes { get; }

    /// <summary>The position just after the last transaction: the checkpoint once the batch is applied.</summary>
    public BinlogPosition Position => Transactions[^1].Position;

    /// <summary>The DDL statement the batch starts with, if any.</summary>
    public SchemaChange? SchemaChange => Transactions.Count > 0 ? Transactions[0].SchemaChange : null;
}
