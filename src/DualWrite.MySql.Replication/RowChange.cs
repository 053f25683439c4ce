using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication;

/// <summary>One row inserted, updated or deleted by a transaction.</summary>
public sealed class RowChange
{
    internal RowChange(TableMap table, RowsEventKind kind, object?[]? before, object?[]? after, int index)
    {
        Table = table;
        Kind = kind;
        Before = before;
        After = after;
        Index = index;
    }

    /// <summary>The table, with its column names, types and primary key as the binlog describes them.</summary>
    public TableMap Table { get; }

    /// <summary>Insert, update or delete.</summary>
    public RowsEventKind Kind { get; }

    /// <summary>The row before the change (updates, deletes), indexed by column ordinal; null for inserts.</summary>
    public object?[]? Before { get; }

    /// <summary>The row after the change (inserts, updates), indexed by column ordinal; null for deletes.</summary>
    public object?[]? After { get; }

    /// <summary>Position of the change within its transaction, from 0: with the transaction's position it identifies the change.</summary>
    public int Index { get; }

    /// <summary>The primary key values of the row as it is after the change (before it, for deletes).</summary>
    public object?[] Key => KeyOf(After ?? Before!);

    /// <summary>The primary key values before the change, which differ from <see cref="Key"/> when an update changed the key.</summary>
    public object?[]? KeyBefore => Before is null ? null : KeyOf(Before);

    private object?[] KeyOf(object?[] image)
    {
        var key = new object?[Table.PrimaryKey.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = image[Table.PrimaryKey[i]];
        }

        return key;
    }

    /// <summary>The value of a column by name in the after image (before image for deletes).</summary>
    public object? this[string column]
    {
        get
        {
            var image = After ?? Before!;
            foreach (var c in Table.Columns)
            {
                if (string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase))
                {
                    return image[c.Ordinal];
                }
            }

            throw new KeyNotFoundException($"{Table} has no column named '{column}'.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Table.Schema}.{Table.Table} key ({string.Join(", ", Key)})";
}
