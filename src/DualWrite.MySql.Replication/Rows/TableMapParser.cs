using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>Parses the post-header and body of a TABLE_MAP event, including its optional metadata.</summary>
/// <remarks>
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
/// <para>
/// <see cref="TableMapColumn.Metadata"/> holds the column metadata as one number: FLOAT/DOUBLE the value size,
/// BLOB/TEXT/JSON/GEOMETRY/VECTOR the number of length bytes, TIME2/DATETIME2/TIMESTAMP2 the fractional digits,
/// VARCHAR the maximum length in bytes (MariaDB's compressed VARCHAR and BLOB types 141 and 140 as VARCHAR and BLOB), NEWDECIMAL <c>precision &lt;&lt; 8 | scale</c>, BIT
/// <c>whole bytes &lt;&lt; 8 | remaining bits</c>. For the real type of a <see cref="MySqlColumnType.String"/>
/// column: CHAR keeps its maximum length in bytes (the two packed metadata bytes unpacked), ENUM and SET keep their
/// storage size in bytes (1-2 and 1-8).
/// </para>
/// </remarks>
internal static class TableMapParser
{
    // Optional metadata field types (Table_map_event::Optional_metadata_field_type).
    private const byte Signedness = 1;
    private const byte DefaultCharset = 2;
    private const byte ColumnCharset = 3;
    private const byte ColumnName = 4;
    private const byte SetStrValue = 5;
    private const byte EnumStrValue = 6;
    private const byte SimplePrimaryKey = 8;
    private const byte PrimaryKeyWithPrefix = 9;
    private const byte EnumAndSetDefaultCharset = 10;
    private const byte EnumAndSetColumnCharset = 11;
    private const byte ColumnVisibility = 12;

    /// <summary>Parses <paramref name="data"/> (the event after its common header, without the checksum).</summary>
    /// <remarks>
    /// The server flavor matters in one place: MariaDB counts GEOMETRY columns among the character columns of the
    /// charset metadata, MySQL does not. For a table with GEOMETRY columns this overload follows MySQL unless the charset
    /// metadata only fits MariaDB's count, so a DEFAULT_CHARSET exception can be applied to the wrong column; use
    /// <see cref="Parse(ReadOnlySpan{byte}, int, bool)"/> whenever the flavor is known (the FORMAT_DESCRIPTION event's
    /// server version tells).
    /// </remarks>
    /// <param name="data">Post-header and body.</param>
    /// <param name="postHeaderLength">The TABLE_MAP post-header length from the FORMAT_DESCRIPTION event (6 or 8).</param>
    /// <exception cref="BinlogException">The bytes are malformed (BinlogCorrupt).</exception>
    public static TableMap Parse(ReadOnlySpan<byte> data, int postHeaderLength) => Parse(data, postHeaderLength, isMariaDb: null);

    /// <summary>Parses <paramref name="data"/> as written by a MariaDB (<paramref name="isMariaDb"/>) or MySQL server.</summary>
    /// <exception cref="BinlogException">The bytes are malformed (BinlogCorrupt).</exception>
    public static TableMap Parse(ReadOnlySpan<byte> data, int postHeaderLength, bool isMariaDb) => Parse(data, postHeaderLength, (bool?)isMariaDb);

    private static TableMap Parse(ReadOnlySpan<byte> data, int postHeaderLength, bool? isMariaDb)
    {
        var offset = 0;
        ulong tableId;
        if (postHeaderLength == 6)
        {
            tableId = RowBytes.U32(data, ref offset, "the table id");
        }
        else
        {
            tableId = RowBytes.UIntLittleEndian(data, ref offset, 6, "the table id");
        }
        RowBytes.Take(data, ref offset, 2 + Math.Max(0, postHeaderLength - 8), "the table map flags");

        var schema = ReadName(data, ref offset, "the schema name");
        var table = ReadName(data, ref offset, "the table name");
        var count = RowBytes.PackedLength(data, ref offset, "the column count");
        var types = RowBytes.Take(data, ref offset, count, "the column types");
        var metadata = RowBytes.PackedBytes(data, ref offset, "the column metadata");
        var nullBits = RowBytes.Take(data, ref offset, (count + 7) / 8, "the NULL bitmap");

        var columns = new ColumnBuilder[count];
        var metadataOffset = 0;
        var unknownType = false;
        for (var i = 0; i < count; i++)
        {
            var type = (MySqlColumnType)types[i];
            var column = new ColumnBuilder { Ordinal = i, Type = type, IsNullable = RowBytes.IsSet(nullBits, i) };
            switch (type)
            {
                case MySqlColumnType.Float:
                case MySqlColumnType.Double:
                case MySqlColumnType.TinyBlob:
                case MySqlColumnType.Blob:
                case MySqlColumnType.MediumBlob:
                case MySqlColumnType.LongBlob:
                case MySqlColumnType.Json:
                case MySqlColumnType.Geometry:
                case MySqlColumnType.Vector:
                case MySqlColumnType.Timestamp2:
                case MySqlColumnType.DateTime2:
                case MySqlColumnType.Time2:
                case BinlogValueDecoder.MariaDbBlobCompressed:
                    column.Metadata = RowBytes.U8(metadata, ref metadataOffset, "the column metadata");
                    break;
                case MySqlColumnType.VarChar:
                case MySqlColumnType.VarString:
                case BinlogValueDecoder.MariaDbVarCharCompressed:
                    column.Metadata = RowBytes.U16(metadata, ref metadataOffset, "the column metadata");
                    break;
                case MySqlColumnType.Bit:
                {
                    var bits = RowBytes.U8(metadata, ref metadataOffset, "the column metadata");
                    var bytes = RowBytes.U8(metadata, ref metadataOffset, "the column metadata");
                    column.Metadata = (ushort)((bytes << 8) | bits);
                    break;
                }
                case MySqlColumnType.NewDecimal:
                {
                    var precision = RowBytes.U8(metadata, ref metadataOffset, "the column metadata");
                    var scale = RowBytes.U8(metadata, ref metadataOffset, "the column metadata");
                    column.Metadata = (ushort)((precision << 8) | scale);
                    break;
                }
                case MySqlColumnType.String:
                case MySqlColumnType.Enum:
                case MySqlColumnType.Set:
                    ResolveString(column, RowBytes.U8(metadata, ref metadataOffset, "the column metadata"),
                        RowBytes.U8(metadata, ref metadataOffset, "the column metadata"));
                    break;
                case MySqlColumnType.Decimal:
                case MySqlColumnType.Tiny:
                case MySqlColumnType.Short:
                case MySqlColumnType.Long:
                case MySqlColumnType.Null:
                case MySqlColumnType.Timestamp:
                case MySqlColumnType.LongLong:
                case MySqlColumnType.Int24:
                case MySqlColumnType.Date:
                case MySqlColumnType.Time:
                case MySqlColumnType.DateTime:
                case MySqlColumnType.Year:
                case MySqlColumnType.NewDate:
                    break;
                default:
                    // A type this reader does not know; assume no metadata and complain below if that was wrong.
                    unknownType = true;
                    break;
            }
            columns[i] = column;
        }
        if (metadataOffset != metadata.Length)
        {
            var message = string.Create(CultureInfo.InvariantCulture,
                $"The TABLE_MAP of `{schema}`.`{table}` has {metadata.Length} bytes of column metadata, but its column types account for {metadataOffset}.");
            throw unknownType ? BinlogException.BinlogUnsupported(message + " It has a column type this reader does not know.") : BinlogException.BinlogCorrupt(message);
        }

        var primaryKey = ReadOptionalMetadata(data[offset..], columns, schema, table, isMariaDb);

        var result = new TableMapColumn[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = columns[i].Build();
        }
        return new TableMap { TableId = tableId, Schema = schema, Table = table, Columns = result, PrimaryKey = primaryKey };
    }

    private static string ReadName(ReadOnlySpan<byte> data, ref int offset, string what)
    {
        var length = RowBytes.U8(data, ref offset, what);
        var name = RowBytes.Take(data, ref offset, length, what);
        RowBytes.Take(data, ref offset, 1, what); // the terminating NUL
        return Encoding.UTF8.GetString(name);
    }

    // The two metadata bytes of a STRING column pack its real type and, for CHAR, a 10-bit maximum length whose two
    // high bits are stored inverted in bits 4-5 of the first byte (MySQL bug #37426).
    private static void ResolveString(ColumnBuilder column, byte first, byte second)
    {
        int realType = first;
        int length = second;
        if ((first & 0x30) != 0x30)
        {
            realType = first | 0x30;
            length |= ((first & 0x30) ^ 0x30) << 4;
        }
        column.Type = realType switch
        {
            (int)MySqlColumnType.Enum => MySqlColumnType.Enum,
            (int)MySqlColumnType.Set => MySqlColumnType.Set,
            _ => MySqlColumnType.String,
        };
        column.Metadata = (ushort)length;
    }

    private static bool IsNumeric(MySqlColumnType type, bool mariaDb) => type switch
    {
        MySqlColumnType.Tiny or MySqlColumnType.Short or MySqlColumnType.Int24 or MySqlColumnType.Long
            or MySqlColumnType.LongLong or MySqlColumnType.Float or MySqlColumnType.Double
            or MySqlColumnType.NewDecimal or MySqlColumnType.Year => true,
        MySqlColumnType.Decimal => mariaDb,
        _ => false,
    };

    private static bool IsCharacter(MySqlColumnType type, bool mariaDb) => type switch
    {
        MySqlColumnType.String or MySqlColumnType.VarChar or MySqlColumnType.VarString or MySqlColumnType.Blob
            or MySqlColumnType.TinyBlob or MySqlColumnType.MediumBlob or MySqlColumnType.LongBlob
            or BinlogValueDecoder.MariaDbBlobCompressed or BinlogValueDecoder.MariaDbVarCharCompressed => true,
        MySqlColumnType.Geometry => mariaDb,
        MySqlColumnType.Vector => !mariaDb,
        _ => false,
    };

    private static bool IsEnumOrSet(MySqlColumnType type) => type is MySqlColumnType.Enum or MySqlColumnType.Set;

    private static int[] Ordinals(ColumnBuilder[] columns, Func<MySqlColumnType, bool> include)
    {
        var list = new List<int>();
        foreach (var c in columns)
        {
            if (include(c.Type))
            {
                list.Add(c.Ordinal);
            }
        }
        return [.. list];
    }

    // Optional metadata: a sequence of (type byte, packed length, value) fields.
    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html
    private static int[] ReadOptionalMetadata(ReadOnlySpan<byte> data, ColumnBuilder[] columns, string schema, string table, bool? isMariaDb)
    {
        // Decide how the charset fields count columns before applying them.
        var mariaDb = isMariaDb ?? GuessMariaDb(data, columns);
        var numeric = Ordinals(columns, t => IsNumeric(t, mariaDb));
        var character = Ordinals(columns, t => IsCharacter(t, mariaDb));
        var enumSet = Ordinals(columns, IsEnumOrSet);
        var enums = Ordinals(columns, t => t == MySqlColumnType.Enum);
        var sets = Ordinals(columns, t => t == MySqlColumnType.Set);
        var primaryKey = new List<int>();
        var where = $"the optional metadata of `{schema}`.`{table}`";

        var offset = 0;
        while (offset < data.Length)
        {
            var fieldType = RowBytes.U8(data, ref offset, where);
            var value = RowBytes.PackedBytes(data, ref offset, where);
            switch (fieldType)
            {
                case Signedness:
                    for (var i = 0; i < numeric.Length && i / 8 < value.Length; i++)
                    {
                        columns[numeric[i]].IsUnsigned = RowBytes.IsSetMsbFirst(value, i);
                    }
                    break;
                case DefaultCharset:
                    ApplyDefaultCollation(value, columns, character, where);
                    break;
                case EnumAndSetDefaultCharset:
                    ApplyDefaultCollation(value, columns, enumSet, where);
                    break;
                case ColumnCharset:
                    ApplyColumnCollations(value, columns, character, where);
                    break;
                case EnumAndSetColumnCharset:
                    ApplyColumnCollations(value, columns, enumSet, where);
                    break;
                case ColumnName:
                {
                    var p = 0;
                    for (var i = 0; i < columns.Length && p < value.Length; i++)
                    {
                        columns[i].Name = Encoding.UTF8.GetString(RowBytes.PackedBytes(value, ref p, where));
                    }
                    break;
                }
                case SetStrValue:
                    ReadMemberNames(value, columns, sets, where, set: true);
                    break;
                case EnumStrValue:
                    ReadMemberNames(value, columns, enums, where, set: false);
                    break;
                case SimplePrimaryKey:
                {
                    var p = 0;
                    while (p < value.Length)
                    {
                        primaryKey.Add(ReadOrdinal(value, ref p, columns.Length, where));
                    }
                    break;
                }
                case PrimaryKeyWithPrefix:
                {
                    var p = 0;
                    while (p < value.Length)
                    {
                        primaryKey.Add(ReadOrdinal(value, ref p, columns.Length, where));
                        RowBytes.PackedInteger(value, ref p, where); // prefix length, 0 for the whole column
                    }
                    break;
                }
                case ColumnVisibility:
                    for (var i = 0; i < columns.Length && i / 8 < value.Length; i++)
                    {
                        columns[i].IsVisible = RowBytes.IsSetMsbFirst(value, i);
                    }
                    break;
                default:
                    // GEOMETRY_TYPE, VECTOR_DIMENSIONALITY and anything newer carry nothing the decoder needs.
                    break;
            }
        }
        foreach (var ordinal in primaryKey)
        {
            columns[ordinal].IsPrimaryKey = true;
        }
        return [.. primaryKey];
    }

    // MariaDB counts GEOMETRY columns as character columns (MySQL 9 counts VECTOR instead). Without being told the
    // flavor, charset metadata that only fits the MariaDB count gives it away: a COLUMN_CHARSET list of that length, or
    // a DEFAULT_CHARSET exception whose index only MariaDB's count reaches. Otherwise MySQL is assumed.
    private static bool GuessMariaDb(ReadOnlySpan<byte> data, ColumnBuilder[] columns)
    {
        var mariaDbCount = Ordinals(columns, t => IsCharacter(t, mariaDb: true)).Length;
        var mysqlCount = Ordinals(columns, t => IsCharacter(t, mariaDb: false)).Length;
        if (Ordinals(columns, t => t == MySqlColumnType.Geometry).Length == 0)
        {
            return false;
        }
        try
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var fieldType = RowBytes.U8(data, ref offset, "the optional metadata");
                var value = RowBytes.PackedBytes(data, ref offset, "the optional metadata");
                var p = 0;
                if (fieldType == ColumnCharset)
                {
                    var entries = 0;
                    while (p < value.Length)
                    {
                        RowBytes.PackedInteger(value, ref p, "the optional metadata");
                        entries++;
                    }
                    return entries != mysqlCount && entries == mariaDbCount;
                }
                if (fieldType == DefaultCharset)
                {
                    RowBytes.PackedInteger(value, ref p, "the optional metadata");
                    ulong highest = 0;
                    while (p < value.Length)
                    {
                        highest = Math.Max(highest, RowBytes.PackedInteger(value, ref p, "the optional metadata"));
                        RowBytes.PackedInteger(value, ref p, "the optional metadata");
                    }
                    return highest >= (ulong)mysqlCount && highest < (ulong)mariaDbCount;
                }
            }
        }
        catch (BinlogException)
        {
            // Reported properly by the real pass.
        }
        return false;
    }

    private static int ReadOrdinal(ReadOnlySpan<byte> value, ref int offset, int count, string where)
    {
        var ordinal = RowBytes.PackedInteger(value, ref offset, where);
        return ordinal < (ulong)count
            ? (int)ordinal
            : throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture,
                $"Column index {ordinal} in {where} is past the {count} columns."));
    }

    private static int ReadCollation(ReadOnlySpan<byte> value, ref int offset, string where)
    {
        var collation = RowBytes.PackedInteger(value, ref offset, where);
        return collation <= int.MaxValue
            ? (int)collation
            : throw BinlogException.BinlogCorrupt(string.Create(CultureInfo.InvariantCulture, $"Collation id {collation} in {where} is out of range."));
    }

    // DEFAULT_CHARSET: the most common collation, then (index among the counted columns, collation) for the others.
    private static void ApplyDefaultCollation(ReadOnlySpan<byte> value, ColumnBuilder[] columns, int[] counted, string where)
    {
        var p = 0;
        var defaultCollation = ReadCollation(value, ref p, where);
        foreach (var ordinal in counted)
        {
            columns[ordinal].CollationId = defaultCollation;
        }
        while (p < value.Length)
        {
            var index = ReadOrdinal(value, ref p, counted.Length, where);
            columns[counted[index]].CollationId = ReadCollation(value, ref p, where);
        }
    }

    // COLUMN_CHARSET: one collation per counted column, in column order.
    private static void ApplyColumnCollations(ReadOnlySpan<byte> value, ColumnBuilder[] columns, int[] counted, string where)
    {
        var p = 0;
        for (var i = 0; i < counted.Length && p < value.Length; i++)
        {
            columns[counted[i]].CollationId = ReadCollation(value, ref p, where);
        }
    }

    // SET_STR_VALUE / ENUM_STR_VALUE: per column, a member count and then each member as a packed-length string.
    private static void ReadMemberNames(ReadOnlySpan<byte> value, ColumnBuilder[] columns, int[] counted, string where, bool set)
    {
        var p = 0;
        for (var i = 0; i < counted.Length && p < value.Length; i++)
        {
            var memberCount = RowBytes.PackedLength(value, ref p, where);
            var raw = new byte[memberCount][];
            for (var m = 0; m < memberCount; m++)
            {
                raw[m] = RowBytes.PackedBytes(value, ref p, where).ToArray();
            }
            var column = columns[counted[i]];
            if (set)
            {
                column.RawSetValues = raw;
            }
            else
            {
                column.RawEnumValues = raw;
            }
        }
    }

    private sealed class ColumnBuilder
    {
        public int Ordinal;
        public MySqlColumnType Type;
        public ushort Metadata;
        public bool IsNullable;
        public bool IsUnsigned;
        public int CollationId = -1;
        public string? Name;
        public byte[][]? RawEnumValues;
        public byte[][]? RawSetValues;
        public bool IsPrimaryKey;
        public bool IsVisible = true;

        public TableMapColumn Build() => new()
        {
            Ordinal = Ordinal,
            Type = Type,
            Metadata = Metadata,
            IsNullable = IsNullable,
            IsUnsigned = IsUnsigned,
            CollationId = CollationId,
            Name = Name,
            EnumValues = Decode(RawEnumValues),
            SetValues = Decode(RawSetValues),
            IsPrimaryKey = IsPrimaryKey,
            IsVisible = IsVisible,
        };

        // Member names are in the column's character set (ENUM_AND_SET_*_CHARSET), which is only known at the end.
        private string[]? Decode(byte[][]? raw)
        {
            if (raw is null)
            {
                return null;
            }
            var names = new string[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                names[i] = BinlogValueDecoder.DecodeText(raw[i], CollationId);
            }
            return names;
        }
    }
}
