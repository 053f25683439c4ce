using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Replication;

/// <summary>
/// A MySQL GTID set (<c>uuid:1-5:7,uuid2:1-3</c>): what a MySQL source has executed. The reader keeps
/// one per position so that it can resume with COM_BINLOG_DUMP_GTID.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/refman/8.0/en/replication-gtids-concepts.html (GTID sets)</remarks>
public sealed class MySqlGtidSet
{
    // Per source UUID (and tag), the executed transaction numbers as sorted, disjoint, half-open [start, end) intervals.
    private readonly SortedDictionary<string, List<(long Start, long End)>> _sets = new(StringComparer.Ordinal);

    /// <summary>Parses MySQL's text form; an empty string is the empty set.</summary>
    public static MySqlGtidSet Parse(string text)
    {
        var set = new MySqlGtidSet();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length < 2 || !Guid.TryParse(pieces[0], out var uuid))
            {
                throw new FormatException($"'{part}' is not a GTID set element (uuid:interval[:interval...]).");
            }

            string? tag = null;
            foreach (var piece in pieces.Skip(1))
            {
                var dash = piece.IndexOf('-', StringComparison.Ordinal);
                if (!char.IsAsciiDigit(piece.FirstOrDefault()))
                {
                    tag = piece.ToLowerInvariant();
                    continue;
                }

                var start = long.Parse(dash < 0 ? piece : piece[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
                var end = dash < 0 ? start : long.Parse(piece[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
                if (start < 1 || end < start)
                {
                    throw new FormatException($"'{piece}' in '{part}' is not a valid GTID interval.");
                }

                set.AddRange(Key(uuid, tag), start, end + 1);
            }
        }

        return set;
    }

    /// <summary>Adds one transaction.</summary>
    public void Add(Guid sourceId, string? tag, long transactionNumber) => AddRange(Key(sourceId, tag), transactionNumber, transactionNumber + 1);

    /// <summary>Whether the set contains a transaction.</summary>
    public bool Contains(Guid sourceId, string? tag, long transactionNumber) =>
        _sets.TryGetValue(Key(sourceId, tag), out var intervals) && intervals.Any(i => i.Start <= transactionNumber && transactionNumber < i.End);

    private static string Key(Guid uuid, string? tag) => tag is null ? uuid.ToString() : uuid + ":" + tag.ToLowerInvariant();

    private void AddRange(string key, long start, long end)
    {
        if (!_sets.TryGetValue(key, out var intervals))
        {
            _sets[key] = intervals = [];
        }

        intervals.Add((start, end));
        intervals.Sort();
        // Merge overlapping and adjacent intervals.
        var merged = new List<(long Start, long End)>(intervals.Count);
        foreach (var interval in intervals)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, interval.End));
            }
            else
            {
                merged.Add(interval);
            }
        }

        _sets[key] = merged;
    }

    /// <summary>The set as MySQL writes it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (key, intervals) in _sets)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(key);
            foreach (var (start, end) in intervals)
            {
                text.Append(':').Append(start.ToString(CultureInfo.InvariantCulture));
                if (end - 1 != start)
                {
                    text.Append('-').Append((end - 1).ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The binary encoding COM_BINLOG_DUMP_GTID carries for untagged sets: SID count, then per SID its UUID,
    /// interval count and [start, end) pairs, all little-endian.
    /// </summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump_gtid.html</remarks>
    public byte[] Encode()
    {
        if (_sets.Keys.Any(k => k.Contains(':', StringComparison.Ordinal)))
        {
            throw new NotSupportedException("Tagged GTIDs cannot be sent in the untagged COM_BINLOG_DUMP_GTID encoding.");
        }

        var size = 8 + _sets.Sum(s => 16 + 8 + (s.Value.Count * 16));
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, _sets.Count);
        var offset = 8;
        foreach (var (key, intervals) in _sets)
        {
            // The UUID's 16 bytes in the order they are written in text.
            Convert.FromHexString(key.Replace("-", "", StringComparison.Ordinal)).CopyTo(span[offset..]);
            offset += 16;
            BinaryPrimitives.WriteInt64LittleEndian(span[offset..], intervals.Count);
            offset += 8;
            foreach (var (start, end) in intervals)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[offset..], start);
                BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], end);
                offset += 16;
            }
        }

        return bytes;
    }
}
