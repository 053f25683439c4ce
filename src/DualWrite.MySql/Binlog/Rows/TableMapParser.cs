namespace DualWrite.MySql.Binlog.Rows;

/// <summary>Parses the post-header and body of a TABLE_MAP event, including its optional metadata.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html</remarks>
internal static class TableMapParser
{
    /// <summary>Parses <paramref name="data"/> (the event after its common header, without the checksum).</summary>
    /// <param name="data">Post-header and body.</param>
    /// <param name="postHeaderLength">The TABLE_MAP post-header length from the FORMAT_DESCRIPTION event (6 or 8).</param>
    public static TableMap Parse(ReadOnlySpan<byte> data, int postHeaderLength) =>
        throw new NotImplementedException("TableMapParser.Parse");
}
