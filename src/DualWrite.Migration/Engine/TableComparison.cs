using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using DualWrite.MySql.Values;
using DualWrite.MySql;
using DualWrite.PostgreSql;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>The outcome of comparing one table on both sides.</summary>
/// <param name="Display">Source → target.</param>
/// <param name="SourceRows">Rows in the source.</param>
/// <param name="TargetRows">Live rows in the target (tombstones not counted).</param>
/// <param name="Differing">Source rows missing from the target or different there.</param>
/// <param name="Samples">Up to ten keys that differ, with what differs.</param>
public sealed record ComparisonReport(string Display, long SourceRows, long TargetRows, long Differing, IReadOnlyList<string> Samples)
{
    /// <summary>Both sides hold the same rows with the same values.</summary>
    public bool Equal => Differing == 0 && SourceRows == TargetRows;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Display}: {SourceRows:N0} source rows, {TargetRows:N0} target rows, {Differing:N0} differ{(Equal ? " — equal" : "")}");
}

/// <summary>
/// Compares a table row by row: the source is read in key order in a consistent snapshot; each page's keys are
/// looked up in the target and every mapped value is compared after the same conversion the copy applies (JSON by
/// meaning, since <c>jsonb</c> normalises the text). Together with equal row counts this proves the sides equal.
/// </summary>
internal static class TableComparison
{
    private const int Page = 2_000;

    public static async Task<ComparisonReport> CompareAsync(TableSpec table, MySqlDataSource source, NpgsqlDataSource target, CancellationToken cancellationToken)
    {
        long sourceRows = 0, differing = 0;
        var samples = new List<string>();
        var mysql = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (mysql.ConfigureAwait(false))
        {
            var pg = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (pg.ConfigureAwait(false))
            {
                await SnapshotCopier.ExecuteAsync(mysql, "SET SESSION time_zone = '+00:00'", cancellationToken).ConfigureAwait(false);
                await SnapshotCopier.ExecuteAsync(mysql, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken).ConfigureAwait(false);
                var command = new MySqlCommand(
                    $"SELECT {string.Join(", ", table.Columns.Select(c => MySqlNames.Quote(c.Source.Name)))} FROM {table.SourceName} ORDER BY {string.Join(", ", table.Keys.Select(k => MySqlNames.Quote(k.Source.Name)))}",
                    mysql) { CommandTimeout = 0 };
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var values = MySqlColumnReader.For(reader);
                        var page = new List<object?[]>(Page);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var row = new object?[table.Columns.Count];
                            for (var i = 0; i < row.Length; i++)
                            {
                                row[i] = table.Columns[i].Convert(values.GetValue(reader, i));
                            }

                            page.Add(row);
                            sourceRows++;
                            if (page.Count == Page)
                            {
                                differing += await ComparePageAsync(table, pg, page, samples, cancellationToken).ConfigureAwait(false);
                                page.Clear();
                            }
                        }

                        if (page.Count > 0)
                        {
                            differing += await ComparePageAsync(table, pg, page, samples, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                await SnapshotCopier.ExecuteAsync(mysql, "COMMIT", cancellationToken).ConfigureAwait(false);
                using var count = new NpgsqlCommand($"SELECT count(*) FROM {table.TargetName}", pg);
                var targetRows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                return new ComparisonReport(table.ToString(), sourceRows, targetRows, differing, samples);
            }
        }
    }

    private static async Task<long> ComparePageAsync(TableSpec table, NpgsqlConnection pg, List<object?[]> page, List<string> samples, CancellationToken cancellationToken)
    {
        // Look the page's keys up through unnest of one array per key column, joined back to the table.
        var keys = table.Keys.ToList();
        var select = string.Join(", ", table.Columns.Select(c => "t." + PgNames.Quote(c.Target) + (c.Type.StagedAsText ? "::text" : "")));
        var unnest = string.Join(", ", keys.Select((k, i) => $"@k{i}::{k.Type.Sql}[]"));
        var join = string.Join(" AND ", keys.Select((k, i) => $"t.{PgNames.Quote(k.Target)} = u.k{i}"));
        using var command = new NpgsqlCommand(
            $"SELECT {select} FROM unnest({unnest}) AS u({string.Join(", ", keys.Select((_, i) => $"k{i}"))}) JOIN {table.TargetName} t ON {join}", pg);
        for (var i = 0; i < keys.Count; i++)
        {
            var index = table.KeyColumns[i];
            var values = page.Select(r => r[index]).ToArray();
            command.Parameters.Add(new NpgsqlParameter($"k{i}", NpgsqlTypes.NpgsqlDbType.Array | (keys[i].Type.StagedAsText ? NpgsqlTypes.NpgsqlDbType.Text : keys[i].Type.DbType)) { Value = values });
        }

        var found = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new object?[table.Columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                found[KeyOf(table, row)] = row;
            }
        }

        long differing = 0;
        foreach (var expected in page)
        {
            var key = KeyOf(table, expected);
            string? difference = null;
            if (!found.TryGetValue(key, out var actual))
            {
                difference = "missing in the target";
            }
            else
            {
                for (var i = 0; i < expected.Length && difference is null; i++)
                {
                    if (!Same(table.Columns[i], expected[i], actual[i]))
                    {
                        difference = $"`{table.Columns[i].Target}` differs";
                    }
                }
            }

            if (difference is not null)
            {
                differing++;
                if (samples.Count < 10)
                {
                    samples.Add($"key {key}: {difference}");
                }
            }
        }

        return differing;
    }

    private static string KeyOf(TableSpec table, object?[] row) =>
        KeyCodec.Encode(table.KeyColumns.Select(k => Normal(row[k])).ToArray());

    private static object? Normal(object? value) => value switch
    {
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Unspecified),
        short or int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        _ => value,
    };

    private static bool Same(ColumnSpec column, object? expected, object? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        return expected switch
        {
            _ when column.Type.DbType == NpgsqlTypes.NpgsqlDbType.Jsonb => JsonNode.DeepEquals(JsonNode.Parse((string)expected), JsonNode.Parse((string)actual)),
            byte[] bytes => actual is byte[] other && bytes.AsSpan().SequenceEqual(other),
            BitArray bits => actual is BitArray other && bits.Length == other.Length && new BitArray(bits).Xor(other).Cast<bool>().All(b => !b),
            string[] members => actual is string[] other && members.SequenceEqual(other),
            DateTime d => actual is DateTime other && d.Ticks == other.Ticks,
            NpgsqlTypes.NpgsqlInterval i => actual is TimeSpan t && t.Ticks == i.Time * TimeSpan.TicksPerMicrosecond,
            _ => Equals(Normal(expected), Normal(actual)) || (expected is decimal e && actual is decimal a && e == a),
        };
    }
}
