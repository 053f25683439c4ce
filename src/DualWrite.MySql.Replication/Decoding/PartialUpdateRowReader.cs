using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication.Decoding;

/// <summary>Reads the after image of PARTIAL_UPDATE_ROWS rows.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html</remarks>
internal static class PartialUpdateRowReader
{
    public static object?[] ReadAfter(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns, object?[] before) =>
        RowImageReader.ReadPartialAfter(body, ref offset, table, presentColumns, before);
}
