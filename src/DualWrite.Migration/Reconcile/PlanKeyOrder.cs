using DualWrite.Core.Reconciliation;

namespace DualWrite.Migration.Reconcile;

/// <summary>The order of a plan pair's keys: column by column, each as <see cref="KeyColumn.Compare"/> orders it.</summary>
internal sealed class PlanKeyOrder(IReadOnlyList<KeyColumn> columns) : IComparer<RowKey>
{
    /// <inheritdoc />
    public int Compare(RowKey? x, RowKey? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var (a, b) = (x.Values[i], y.Values[i]);
            var c = a is null ? (b is null ? 0 : -1) : b is null ? 1 : columns[i].Compare(a, b);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }
}
