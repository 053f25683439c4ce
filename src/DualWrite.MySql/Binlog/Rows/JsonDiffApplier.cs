namespace DualWrite.MySql.Binlog.Rows;

/// <summary>Applies the JSON diffs of a PARTIAL_UPDATE_ROWS event to a JSON document.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html (partial JSON updates)</remarks>
internal static class JsonDiffApplier
{
    /// <summary>
    /// Reads the binary diff list of one JSON column at <paramref name="offset"/> (advancing past it) and applies it to
    /// <paramref name="beforeJson"/>, returning the JSON text after the update.
    /// </summary>
    public static string Apply(string beforeJson, ReadOnlySpan<byte> data, ref int offset) =>
        throw new NotImplementedException("JsonDiffApplier.Apply");
}
