using System.Globalization;

namespace DualWrite.MySql.Replication;

/// <summary>
/// A point in the source's binlog: a file and an offset, plus (MariaDB) the GTID state at that point.
/// Positions from the reader always sit on a transaction boundary, so resuming from one never splits
/// a transaction. Positions order by file sequence number, then offset.
/// </summary>
/// <param name="File">The binlog file name, e.g. <c>binlog.000042</c>.</param>
/// <param name="Offset">The byte offset in that file of the first event not yet covered.</param>
/// <param name="GtidState">MariaDB's GTID state after the position (<c>domain-server-seq</c> per domain, comma-separated), or null.</param>
public readonly record struct BinlogPosition(string File, ulong Offset, string? GtidState = null) : IComparable<BinlogPosition>
{
    /// <summary>The first event position in any binlog file (after the 4-byte magic).</summary>
    public const ulong FileStart = 4;

    /// <summary>The numeric suffix of the file name (binlog.000042 → 42), used for ordering.</summary>
    public long FileSequence
    {
        get
        {
            var dot = File.LastIndexOf('.');
            return dot >= 0 && long.TryParse(File.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        }
    }

    /// <inheritdoc />
    public int CompareTo(BinlogPosition other)
    {
        var byFile = FileSequence.CompareTo(other.FileSequence);
        if (byFile != 0)
        {
            return byFile;
        }

        var byName = string.CompareOrdinal(File, other.File);
        return byName != 0 ? byName : Offset.CompareTo(other.Offset);
    }

    /// <summary>Orders positions.</summary>
    public static bool operator <(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) < 0;

    /// <summary>Orders positions.</summary>
    public static bool operator >(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) > 0;

    /// <summary>Orders positions.</summary>
    public static bool operator <=(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) <= 0;

    /// <summary>Orders positions.</summary>
    public static bool operator >=(BinlogPosition left, BinlogPosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => GtidState is null
        ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Offset}")
        : string.Create(CultureInfo.InvariantCulture, $"{File}:{Offset} (gtid {GtidState})");
}
