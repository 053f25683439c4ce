namespace DualWrite.MySql.Binlog.Rows;

/// <summary>Reads row images of rows events: a NULL bitmap over the present columns, then each present non-NULL value.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html</remarks>
internal static class RowImageReader
{
    /// <summary>
    /// Reads one row image starting at <paramref name="offset"/> and advances past it. Returns one value per table
    /// column: null for NULL, <see cref="Events.RowImagePair.Absent"/> for a column not in <paramref name="presentColumns"/>.
    /// </summary>
    public static object?[] Read(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns) =>
        throw new NotImplementedException("RowImageReader.Read");
}
