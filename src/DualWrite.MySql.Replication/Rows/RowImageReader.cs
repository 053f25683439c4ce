using System.Globalization;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>Reads row images of rows events: a NULL bitmap over the present columns, then each present non-NULL value.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html</remarks>
internal static class RowImageReader
{
    // value_options bit of PARTIAL_UPDATE_ROWS after-images (binlog_row_value_options=PARTIAL_JSON).
    private const ulong PartialJsonUpdates = 1;

    /// <summary>
    /// Reads one row image starting at <paramref name="offset"/> and advances past it. Returns one value per table
    /// column: null for NULL, <see cref="RowImagePair.Absent"/> for a column not in <paramref name="presentColumns"/>.
    /// </summary>
    /// <param name="body">The rows data of the event.</param>
    /// <param name="offset">Where the image starts; on return, where the next one starts.</param>
    /// <param name="table">The table map the event refers to.</param>
    /// <param name="presentColumns">The event's column bitmap for this image (bit i, least significant first, set when
    /// column i is in the image); at least one bit per table column.</param>
    /// <exception cref="BinlogException">BinlogCorrupt for malformed bytes, BinlogUnsupported for a column type this
    /// reader cannot decode.</exception>
    public static object?[] Read(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns) =>
        ReadImage(body, ref offset, table, presentColumns, partialBits: default, before: null);

    /// <summary>
    /// Reads the after-image of a PARTIAL_UPDATE_ROWS event row, applying JSON diffs to the before-image values.
    /// </summary>
    /// <remarks>
    /// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html
    /// <para>
    /// Layout: <c>value_options</c> as a packed integer (0 or 1 = PARTIAL_JSON_UPDATES); when it is 1,
    /// <c>partial_bits</c>, one bit per JSON column of the table in column order (present in the image or not, least
    /// significant bit first); then the ordinary image: NULL bitmap over the present columns and the values. A present,
    /// non-NULL JSON column whose partial bit is set holds a diff list (see <see cref="JsonDiffApplier"/>) instead of a
    /// full document and is rebuilt from its value in <paramref name="before"/>.
    /// </para>
    /// </remarks>
    /// <param name="body">The rows data of the event.</param>
    /// <param name="offset">Where the after-image (its value_options) starts; on return, where the next row starts.</param>
    /// <param name="table">The table map the event refers to.</param>
    /// <param name="presentColumns">The event's after-image column bitmap.</param>
    /// <param name="before">The row's before-image, as <see cref="Read"/> returned it.</param>
    /// <exception cref="BinlogException">BinlogCorrupt for malformed bytes or diffs that do not apply; BinlogUnsupported
    /// when a partially updated JSON column is missing from the before-image (binlog_row_image=FULL is needed then).</exception>
    public static object?[] ReadPartialAfter(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns,
        object?[] before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var options = RowBytes.PackedInteger(body, ref offset, "the value_options of a partial update");
        if (options > PartialJsonUpdates)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Unknown value_options {options} in a partial update of {table}."));
        }
        ReadOnlySpan<byte> partialBits = default;
        if (options == PartialJsonUpdates)
        {
            var jsonColumns = 0;
            foreach (var column in table.Columns)
            {
                if (column.Type == MySqlColumnType.Json)
                {
                    jsonColumns++;
                }
            }
            partialBits = RowBytes.Take(body, ref offset, (jsonColumns + 7) / 8, "the partial_bits of a partial update");
        }
        return ReadImage(body, ref offset, table, presentColumns, partialBits, before);
    }

    private static object?[] ReadImage(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns,
        ReadOnlySpan<byte> partialBits, object?[]? before)
    {
        var columns = table.Columns;
        var count = columns.Count;
        if (presentColumns.Length < (count + 7) / 8)
        {
            throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"The column bitmap has {presentColumns.Length} bytes; {table} has {count} columns."));
        }
        var present = 0;
        for (var i = 0; i < count; i++)
        {
            if (RowBytes.IsSet(presentColumns, i))
            {
                present++;
            }
        }
        var nullBits = RowBytes.Take(body, ref offset, (present + 7) / 8, "the NULL bitmap of a row image");

        var values = new object?[count];
        var image = 0;
        var json = 0;
        for (var i = 0; i < count; i++)
        {
            var column = columns[i];
            var isPartial = false;
            if (column.Type == MySqlColumnType.Json)
            {
                isPartial = !partialBits.IsEmpty && RowBytes.IsSet(partialBits, json);
                json++;
            }
            if (!RowBytes.IsSet(presentColumns, i))
            {
                values[i] = RowImagePair.Absent;
                continue;
            }
            if (RowBytes.IsSet(nullBits, image++))
            {
                values[i] = null;
            }
            else if (isPartial)
            {
                var baseDocument = i < before!.Length ? before[i] as string : null;
                if (baseDocument is null)
                {
                    throw BinlogException.BinlogUnsupported(
                        $"Cannot rebuild {BinlogValueDecoder.Describe(table, column)} from a partial JSON update: the before-image does not hold the column's document. Set binlog_row_image=FULL, or binlog_row_value_options='' to log whole documents.");
                }
                values[i] = JsonDiffApplier.Apply(baseDocument, body, ref offset);
            }
            else
            {
                values[i] = BinlogValueDecoder.Decode(body, ref offset, table, column);
            }
        }
        return values;
    }
}
