using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.TableMapBuilder;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class TableMapParserTests
{
    private const byte Signedness = 1;
    private const byte DefaultCharset = 2;
    private const byte ColumnCharset = 3;
    private const byte ColumnName = 4;
    private const byte SetStrValue = 5;
    private const byte EnumStrValue = 6;
    private const byte GeometryType = 7;
    private const byte SimplePrimaryKey = 8;
    private const byte PrimaryKeyWithPrefix = 9;
    private const byte EnumAndSetDefaultCharset = 10;
    private const byte EnumAndSetColumnCharset = 11;
    private const byte ColumnVisibility = 12;
    private const byte VectorDimensionality = 13;

    [Fact]
    public void Header_names_columns_and_nullability()
    {
        var bytes = new TableMapBuilder { TableId = 0x0000_FEDC_BA98_7654, Schema = "shop", Table = "orders" }
            .Column(MySqlColumnType.Long, nullable: false)
            .Column(MySqlColumnType.VarChar, [0x2C, 0x01])
            .Column(MySqlColumnType.Tiny)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.TableId.Should().Be(0x0000_FEDC_BA98_7654UL);
        map.Schema.Should().Be("shop");
        map.Table.Should().Be("orders");
        map.Columns.Select(c => c.Type).Should().Equal(MySqlColumnType.Long, MySqlColumnType.VarChar, MySqlColumnType.Tiny);
        map.Columns.Select(c => c.IsNullable).Should().Equal(false, true, true);
        map.Columns.Select(c => c.Ordinal).Should().Equal(0, 1, 2);
        map.Columns.Should().OnlyContain(c => c.CollationId == -1 && c.Name == null && !c.IsUnsigned && c.IsVisible && !c.IsPrimaryKey);
        map.HasColumnNames.Should().BeFalse();
        map.PrimaryKey.Should().BeEmpty();
    }

    [Fact]
    public void Post_header_of_six_bytes_has_a_four_byte_table_id()
    {
        var bytes = new TableMapBuilder { TableId = 0x8765_4321, PostHeaderLength = 6 }.Column(MySqlColumnType.Long).Build();

        var map = TableMapParser.Parse(bytes, 6);

        map.TableId.Should().Be(0x8765_4321UL);
        map.Table.Should().Be("orders");
    }

    [Fact]
    public void Metadata_of_every_type_is_read_into_one_number()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Float, [4])
            .Column(MySqlColumnType.Double, [8])
            .Column(MySqlColumnType.VarChar, [0x2C, 0x01]) // 300 bytes
            .Column(MySqlColumnType.VarString, [0x14, 0x00])
            .Column(MySqlColumnType.Bit, [2, 1]) // BIT(10): 2 bits and 1 whole byte
            .Column(MySqlColumnType.NewDecimal, [10, 2])
            .Column(MySqlColumnType.DateTime2, [6])
            .Column(MySqlColumnType.Timestamp2, [3])
            .Column(MySqlColumnType.Time2, [0])
            .Column(MySqlColumnType.Blob, [2])
            .Column(MySqlColumnType.Json, [4])
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.Vector, [4])
            .Column(MySqlColumnType.Date)
            .Column(MySqlColumnType.Year)
            .Column(MySqlColumnType.LongLong)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.Columns.Select(c => (int)c.Metadata).Should().Equal(4, 8, 300, 20, 0x0102, 0x0A02, 6, 3, 0, 2, 4, 4, 4, 0, 0, 0);
    }

    [Theory]
    [InlineData(0xFE, 0x28, MySqlColumnType.String, 40)] // CHAR(10) utf8mb4
    [InlineData(0xFE, 0xFF, MySqlColumnType.String, 255)]
    [InlineData(0xEE, 0x90, MySqlColumnType.String, 400)] // CHAR(100) utf8mb4: length bits 8-9 inverted in the type byte
    [InlineData(0xCE, 0xFC, MySqlColumnType.String, 1020)] // CHAR(255) utf8mb4
    [InlineData(0xF7, 0x01, MySqlColumnType.Enum, 1)]
    [InlineData(0xF7, 0x02, MySqlColumnType.Enum, 2)]
    [InlineData(0xF8, 0x01, MySqlColumnType.Set, 1)]
    [InlineData(0xF8, 0x08, MySqlColumnType.Set, 8)]
    public void String_columns_resolve_their_real_type_and_length(byte first, byte second, MySqlColumnType type, int metadata)
    {
        var bytes = new TableMapBuilder().Column(MySqlColumnType.String, [first, second]).Build();

        var column = TableMapParser.Parse(bytes, 8).Columns[0];

        column.Type.Should().Be(type);
        column.Metadata.Should().Be((ushort)metadata);
    }

    [Fact]
    public void Signedness_covers_numeric_columns_only_most_significant_bit_first()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Long) // numeric 0: signed
            .Column(MySqlColumnType.VarChar, [10, 0])
            .Column(MySqlColumnType.Tiny) // numeric 1: unsigned
            .Column(MySqlColumnType.Year) // numeric 2: unsigned (YEAR counts)
            .Column(MySqlColumnType.Date)
            .Column(MySqlColumnType.NewDecimal, [10, 2]) // numeric 3: signed
            .Column(MySqlColumnType.Double, [8]) // numeric 4: signed
            .Column(MySqlColumnType.Int24) // 5
            .Column(MySqlColumnType.Short) // 6
            .Column(MySqlColumnType.LongLong) // 7
            .Column(MySqlColumnType.Float, [4]) // 8: second byte, unsigned
            .Optional(Signedness, 0b0110_0011, 0b1000_0000)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.Columns.Select(c => c.IsUnsigned).Should().Equal(false, false, true, true, false, false, false, false, true, true, true);
    }

    [Fact]
    public void Default_charset_applies_to_character_columns_with_exceptions_by_character_column_index()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Long)
            .Column(MySqlColumnType.VarChar, [40, 0]) // character column 0
            .Column(MySqlColumnType.String, [0xFE, 40]) // character column 1
            .Column(MySqlColumnType.Blob, [2]) // character column 2
            .Column(MySqlColumnType.String, [0xF7, 1]) // ENUM: not a character column
            .Column(MySqlColumnType.Json, [4])
            .Optional(DefaultCharset, [45, 1, 8, 2, 63])
            .Optional(EnumAndSetDefaultCharset, [8])
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.Columns.Select(c => c.CollationId).Should().Equal(-1, 45, 8, 63, 8, -1);
    }

    [Fact]
    public void Column_charset_lists_one_collation_per_character_column()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Column(MySqlColumnType.Tiny)
            .Column(MySqlColumnType.Blob, [2])
            .Column(MySqlColumnType.String, [0xF8, 1]) // SET
            .Column(MySqlColumnType.String, [0xFE, 12])
            .Optional(ColumnCharset, [.. Packed(255), 63, .. Packed(2048)])
            .Optional(EnumAndSetColumnCharset, [33])
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.Columns.Select(c => c.CollationId).Should().Equal(255, -1, 63, 33, 2048);
    }

    [Fact]
    public void Column_names_member_names_and_visibility()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Long)
            .Column(MySqlColumnType.String, [0xF7, 1])
            .Column(MySqlColumnType.String, [0xF8, 1])
            .Column(MySqlColumnType.String, [0xF7, 1])
            .Optional(ColumnName, [.. Str("id"), .. Str("état"), .. Str("flags"), .. Str("size")])
            .Optional(EnumStrValue, [2, .. Str("a,b"), .. Str("c'd"), 3, .. Str("S"), .. Str("M"), .. Str("")])
            .Optional(SetStrValue, [3, .. Str("x"), .. Str("y"), .. Str("z")])
            .Optional(ColumnVisibility, 0b1011_0000)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.HasColumnNames.Should().BeTrue();
        map.Columns.Select(c => c.Name).Should().Equal("id", "état", "flags", "size");
        map.Columns[1].EnumValues.Should().Equal("a,b", "c'd");
        map.Columns[3].EnumValues.Should().Equal("S", "M", "");
        map.Columns[2].SetValues.Should().Equal("x", "y", "z");
        map.Columns[0].EnumValues.Should().BeNull();
        map.Columns.Select(c => c.IsVisible).Should().Equal(true, false, true, true);
    }

    [Fact]
    public void Member_names_decode_in_the_enum_and_set_charset()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.String, [0xF7, 1])
            .Optional(EnumStrValue, [1, 1, 0xE9])
            .Optional(EnumAndSetDefaultCharset, [8])
            .Build();

        TableMapParser.Parse(bytes, 8).Columns[0].EnumValues.Should().Equal("é");
    }

    [Fact]
    public void Simple_primary_key_in_key_order()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Long)
            .Column(MySqlColumnType.Long)
            .Column(MySqlColumnType.Long)
            .Optional(SimplePrimaryKey, 2, 0)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.PrimaryKey.Should().Equal(2, 0);
        map.Columns.Select(c => c.IsPrimaryKey).Should().Equal(true, false, true);
    }

    [Fact]
    public void Primary_key_with_prefix_lengths()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.VarChar, [0x90, 0x01])
            .Column(MySqlColumnType.Long)
            .Optional(PrimaryKeyWithPrefix, 1, 0, 0, 10)
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.PrimaryKey.Should().Equal(1, 0);
        map.Columns.Select(c => c.IsPrimaryKey).Should().Equal(true, true);
    }

    [Fact]
    public void Fields_the_decoder_does_not_need_and_unknown_fields_are_skipped()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.Vector, [4])
            .Column(MySqlColumnType.Long)
            .Optional(GeometryType, 1)
            .Optional(VectorDimensionality, 3)
            .Optional(200, 1, 2, 3, 4)
            .Optional(ColumnName, [.. Str("g"), .. Str("v"), .. Str("n")])
            .Build();

        var map = TableMapParser.Parse(bytes, 8);

        map.Columns.Select(c => c.Name).Should().Equal("g", "v", "n");
    }

    [Fact]
    public void MariaDb_counts_geometry_among_character_columns_and_MySQL_does_not()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Optional(DefaultCharset, [45, 1, 8])
            .Build();

        TableMapParser.Parse(bytes, 8, isMariaDb: true).Columns.Select(c => c.CollationId).Should().Equal(45, 8, 45);
        TableMapParser.Parse(bytes, 8, isMariaDb: false).Columns.Select(c => c.CollationId).Should().Equal(-1, 45, 8);
    }

    [Fact]
    public void MySql_counts_vector_among_character_columns()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Vector, [4])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Optional(ColumnCharset, 63, 8)
            .Build();

        TableMapParser.Parse(bytes, 8, isMariaDb: false).Columns.Select(c => c.CollationId).Should().Equal(63, 8);
    }

    [Fact]
    public void Without_a_flavor_a_column_charset_list_that_counts_geometry_is_recognised_as_MariaDB()
    {
        var mariaDb = new TableMapBuilder()
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Optional(ColumnCharset, 63, 8)
            .Build();
        var mysql = new TableMapBuilder()
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Optional(ColumnCharset, 8)
            .Build();

        TableMapParser.Parse(mariaDb, 8).Columns.Select(c => c.CollationId).Should().Equal(63, 8);
        TableMapParser.Parse(mysql, 8).Columns.Select(c => c.CollationId).Should().Equal(-1, 8);
    }

    [Fact]
    public void Without_a_flavor_a_default_charset_exception_only_MariaDB_reaches_is_recognised()
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.Geometry, [4])
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Optional(DefaultCharset, [45, 1, 8])
            .Build();

        TableMapParser.Parse(bytes, 8).Columns.Select(c => c.CollationId).Should().Equal(45, 8);
        var mysql = () => TableMapParser.Parse(bytes, 8, isMariaDb: false);
        mysql.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Recorded_MariaDb_table_maps()
    {
        var num = TableMapParser.Parse(Hex(MariaDbCapturedEvents.NumTableMap), 8, isMariaDb: true);
        num.Schema.Should().Be("test_rows_fx");
        num.Table.Should().Be("t_num");
        num.Columns.Select(c => c.Name).Should().Equal("id", "ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "biu", "f", "d",
            "d102", "d6530", "d280", "y", "b1", "b64", "b10");
        num.Columns.Where(c => c.IsUnsigned).Select(c => c.Name).Should().Equal("tiu", "siu", "miu", "iu", "biu", "y");
        num.Columns.Single(c => c.Name == "d6530").Metadata.Should().Be((65 << 8) | 30);
        num.Columns.Single(c => c.Name == "b10").Metadata.Should().Be(0x0102);
        num.PrimaryKey.Should().Equal(0);
        num.Columns[0].IsNullable.Should().BeFalse();

        var str = TableMapParser.Parse(Hex(MariaDbCapturedEvents.StrTableMap), 8, isMariaDb: true);
        str.Columns.Select(c => (c.Name, c.Type, c.CollationId)).Should().Equal(
            ("id", MySqlColumnType.Long, -1), ("c10", MySqlColumnType.String, 45), ("c100", MySqlColumnType.String, 45),
            ("vl", MySqlColumnType.VarChar, 8), ("v300", MySqlColumnType.VarChar, 45), ("bn4", MySqlColumnType.String, 63),
            ("vb", MySqlColumnType.VarChar, 63), ("tt", MySqlColumnType.Blob, 45), ("t", MySqlColumnType.Blob, 45),
            ("mt", MySqlColumnType.Blob, 45), ("lt", MySqlColumnType.Blob, 45), ("tb", MySqlColumnType.Blob, 63),
            ("bl", MySqlColumnType.Blob, 63), ("mb", MySqlColumnType.Blob, 63), ("lb", MySqlColumnType.Blob, 63),
            ("e", MySqlColumnType.Enum, 45), ("s", MySqlColumnType.Set, 45), ("j", MySqlColumnType.Blob, 46),
            ("g", MySqlColumnType.Geometry, 63), ("vu", MySqlColumnType.VarChar, 35), ("cl", MySqlColumnType.String, 8));
        str.Columns.Select(c => (int)c.Metadata).Take(5).Should().Equal(0, 40, 400, 10, 1200);
        str.Columns.Single(c => c.Name == "e").EnumValues.Should().Equal("a", "b", "c");
        str.Columns.Single(c => c.Name == "s").SetValues.Should().Equal("x", "y", "z");
    }

    [Fact]
    public void Recorded_MySql_84_table_map_with_full_metadata()
    {
        var file = BinlogTestFile.LoadPacketCapture("zongji/test/fixtures/binlog-mysql84-fullmeta.json");
        var data = file.Events.First(e => e.Type == BinlogTestFile.TableMapEvent).Data;

        var map = TableMapParser.Parse(data, file.TableMapPostHeaderLength, isMariaDb: false);

        map.Table.Should().Be("capture_types");
        map.Columns.Should().HaveCount(26);
        map.Columns.Select(c => c.Name).Should().StartWith(["id", "i_big", "u_big", "dec_col", "vc", "ch", "bin_col", "vb"]);
        map.Columns.Where(c => c.IsUnsigned).Select(c => c.Name).Should().Equal("u_big", "y");
        map.Columns.Single(c => c.Name == "e2").EnumValues.Should().Equal("a,b", "c'd", "plain");
        map.Columns.Single(c => c.Name == "s").SetValues.Should().Equal("x", "y", "z");
        map.Columns.Single(c => c.Name == "geo").CollationId.Should().Be(-1, "MySQL gives GEOMETRY no charset");
        map.Columns.Single(c => c.Name == "txt_latin1").CollationId.Should().Be(8);
        map.Columns.Single(c => c.Name == "vc_ucs2").CollationId.Should().Be(35);
        map.Columns.Single(c => c.Name == "bin_col").CollationId.Should().Be(63);
        map.Columns.Single(c => c.Name == "dec_col").Metadata.Should().Be((30 << 8) | 10);
        map.PrimaryKey.Should().Equal(0);
    }

    [Fact]
    public void Recorded_invisible_columns_and_vector_primary_key()
    {
        var invisible = BinlogTestFile.Load("rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001");
        var map = TableMapParser.Parse(invisible.Events.First(e => e.Type == BinlogTestFile.TableMapEvent).Data, 8);
        map.Columns.Select(c => c.Name).Should().Equal("f1", "f2", "f3", "f4", "f5", "f6");
        map.Columns.Where(c => !c.IsVisible).Should().NotBeEmpty();

        var vector = BinlogTestFile.Load("rust_mysql_common/test-data/binlogs/vector.binlog");
        var vmap = TableMapParser.Parse(vector.Events.First(e => e.Type == BinlogTestFile.TableMapEvent).Data, 8);
        vmap.Columns.Select(c => c.Type).Should().Equal(MySqlColumnType.LongLong, MySqlColumnType.Vector);
        vmap.PrimaryKey.Should().Equal(0);
    }

    [Fact]
    public void Every_truncation_of_a_table_map_is_corrupt_or_stops_at_a_field_boundary()
    {
        var bytes = Hex(MariaDbCapturedEvents.StrTableMap);
        TableMapParser.Parse(bytes, 8, isMariaDb: true).Columns.Should().HaveCount(21);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            try
            {
                TableMapParser.Parse(prefix, 8, isMariaDb: true);
            }
            catch (BinlogException e)
            {
                e.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt, $"a {length}-byte prefix is truncated, not unsupported");
            }
        }
    }

    [Fact]
    public void Truncated_before_the_null_bitmap_is_corrupt()
    {
        var bytes = new TableMapBuilder().Column(MySqlColumnType.Long).Build();

        var act = () => TableMapParser.Parse(bytes[..^1], 8);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Metadata_block_that_does_not_match_the_types_is_corrupt()
    {
        var bytes = new TableMapBuilder().Column(MySqlColumnType.Long, [7]).Build();

        var act = () => TableMapParser.Parse(bytes, 8);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Unknown_type_with_metadata_is_unsupported()
    {
        var bytes = new TableMapBuilder().Column((MySqlColumnType)100, [7]).Build();

        var act = () => TableMapParser.Parse(bytes, 8);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogUnsupported);
    }

    [Theory]
    [InlineData(SimplePrimaryKey, new byte[] { 5 })]
    [InlineData(PrimaryKeyWithPrefix, new byte[] { 0 })]
    [InlineData(DefaultCharset, new byte[] { 45, 9, 8 })]
    [InlineData(ColumnName, new byte[] { 10, 0x61 })]
    [InlineData(EnumStrValue, new byte[] { 2, 1, 0x61 })]
    [InlineData(ColumnCharset, new byte[] { 0xFC, 0x01 })]
    public void Optional_metadata_out_of_range_or_truncated_is_corrupt(byte fieldType, byte[] value)
    {
        var bytes = new TableMapBuilder()
            .Column(MySqlColumnType.VarChar, [40, 0])
            .Column(MySqlColumnType.String, [0xF7, 1])
            .Optional(fieldType, value)
            .Build();

        var act = () => TableMapParser.Parse(bytes, 8);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Optional_field_longer_than_the_event_is_corrupt()
    {
        var bytes = new TableMapBuilder().Column(MySqlColumnType.Long).Build().Concat(new byte[] { Signedness, 5, 0x80 }).ToArray();

        var act = () => TableMapParser.Parse(bytes, 8);

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }
}
