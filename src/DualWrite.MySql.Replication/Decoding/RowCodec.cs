using DualWrite.MySql.Replication.Rows;

namespace DualWrite.MySql.Replication.Decoding;

/// <summary>
/// Parses a TABLE_MAP event's post-header and body (the event after its common header, without checksum).
/// <paramref name="isMariaDb"/> tells which server wrote it (the two count charset-carrying columns differently), null when unknown.
/// </summary>
internal delegate TableMap TableMapParse(ReadOnlySpan<byte> data, int postHeaderLength, bool? isMariaDb);

/// <summary>Reads one row image at <paramref name="offset"/> and advances past it.</summary>
internal delegate object?[] RowImageRead(ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns);

/// <summary>Reads the after image of a PARTIAL_UPDATE_ROWS row, which may carry JSON diffs against <paramref name="before"/>.</summary>
internal delegate object?[] PartialRowImageRead(
    ReadOnlySpan<byte> body, ref int offset, TableMap table, ReadOnlySpan<byte> presentColumns, object?[] before);

/// <summary>
/// The table-map and row-image decoders the event decoder calls. A seam so unit tests can check the rows-event
/// envelope with fakes, independent of the value decoders.
/// </summary>
internal sealed class RowCodec
{
    /// <summary>The real decoders.</summary>
    public static readonly RowCodec Default = new(
        static (data, postHeaderLength, isMariaDb) => isMariaDb is { } mariaDb ? TableMapParser.Parse(data, postHeaderLength, mariaDb) : TableMapParser.Parse(data, postHeaderLength),
        RowImageReader.Read,
        PartialUpdateRowReader.ReadAfter);

    public RowCodec(TableMapParse parseTableMap, RowImageRead readImage, PartialRowImageRead readPartialAfter)
    {
        ParseTableMap = parseTableMap;
        ReadImage = readImage;
        ReadPartialAfter = readPartialAfter;
    }

    public TableMapParse ParseTableMap { get; }

    public RowImageRead ReadImage { get; }

    public PartialRowImageRead ReadPartialAfter { get; }
}
