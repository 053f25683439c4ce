using System.Globalization;
using DualWrite.MySql;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.Migration.Engine;

/// <summary>
/// How a table's key space is cut into ranges that workers share: the snapshot copies them, the reconciler compares
/// them. A range is bounded on the first key column only, low bound included, high bound excluded; null is open.
/// </summary>
internal static class KeyRanges
{
    /// <summary>The fewest ranges a splittable table large enough is cut into, whatever one process's parallelism.</summary>
    public const int MinimumRanges = 16;

    /// <summary>
    /// A table whose first key column is an integer is split on that column into ranges of about equal width: twice
    /// <paramref name="parallelism"/>, and at least <paramref name="minimum"/> (the snapshot asks for
    /// <see cref="MinimumRanges"/>, so that several worker processes can share the table); at most one per chunk of its
    /// estimated rows, at most 64. Other tables are one range. The first and last ranges are open, so
    /// rows inserted beyond the current MIN or MAX meanwhile are covered.
    /// </summary>
    public static async Task<IReadOnlyList<(long? Low, long? High)>> SplitAsync(MySqlDataSource source, TableSpec table, int parallelism, int minimum, CancellationToken cancellationToken)
    {
        var first = table.Keys.First().Source;
        var parts = Math.Min(Math.Max(parallelism * 2, minimum), (int)Math.Min(table.Source.EstimatedRows / Math.Max(table.ChunkSize, 1), 64));
        if (!IsSplittable(table) || parts < 2)
        {
            return [(null, null)];
        }

        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand($"SELECT MIN({MySqlNames.Quote(first.Name)}), MAX({MySqlNames.Quote(first.Name)}) FROM {table.SourceName}", connection);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
                    {
                        return [(null, null)];
                    }

                    var min = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                    var max = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                    var width = ((decimal)max - min + 1) / parts;
                    var bounds = new List<(long?, long?)>();
                    long? low = null;
                    for (var i = 1; i < parts; i++)
                    {
                        var high = (long)(min + Math.Ceiling(width * i));
                        bounds.Add((low, high));
                        low = high;
                    }

                    bounds.Add((low, null));
                    return bounds;
                }
            }
        }
    }

    /// <summary>Whether the table's first key column is an integer that ranges can bound (BIGINT UNSIGNED is not: it may exceed <see cref="long"/>).</summary>
    public static bool IsSplittable(TableSpec table) =>
        table.Keys.First().Source.Kind is { } kind && MySqlValuePolicy.IsInteger(kind) && kind != MySqlValueKind.UInt64;

    /// <summary>
    /// Adds the range's conditions on the first key column (<paramref name="firstKey"/>, quoted) to <paramref name="where"/>,
    /// binding <c>@low</c> and <c>@high</c>.
    /// </summary>
    public static void AddConditions(string firstKey, long? low, long? high, MySqlCommand command, List<string> where)
    {
        if (low is { } l)
        {
            where.Add($"{firstKey} >= @low");
            command.Parameters.AddWithValue("@low", l);
        }

        if (high is { } h)
        {
            where.Add($"{firstKey} < @high");
            command.Parameters.AddWithValue("@high", h);
        }
    }
}
