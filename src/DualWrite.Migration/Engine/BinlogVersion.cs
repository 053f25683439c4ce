using DualWrite.MySql.Replication;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Versions derived from binlog positions, for tables without a version column. A row copied by a snapshot taken at
/// position P gets the version of P; a change committed in a transaction ending at E gets the version of E. Both
/// rise with the binlog (file sequence in the high bits, offset in the low 32), so a change the snapshot already
/// saw (E ≤ P) never overwrites the copy, and every later change does.
/// </summary>
internal static class BinlogVersion
{
    public static long Of(BinlogPosition position)
    {
        if (position.Offset > uint.MaxValue)
        {
            throw new InvalidOperationException($"Binlog offset {position.Offset} in {position.File} exceeds 4 GiB; binlog-position versions cannot represent it.");
        }

        return (position.FileSequence << 32) | (long)position.Offset;
    }
}
