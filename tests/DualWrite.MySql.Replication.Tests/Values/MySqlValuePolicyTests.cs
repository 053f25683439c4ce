using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Replication.Tests.Binlog.Events;
using DualWrite.MySql.Values;
using MySqlConnector;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.RowsTestData;

namespace DualWrite.MySql.Replication.Tests.Values;

/// <summary>
/// The value policy: the CLR type of every kind, and the kind of every TABLE_MAP column and declared type. (The kind
/// of MySqlConnector result columns needs a server: Integration/ResultColumnKindTests.)
/// </summary>
public sealed class MySqlValuePolicyTests
{
    private const int Utf8Mb4 = 45;
    private const int Latin1 = 8;
    private const int Binary = 63;
    private const int Unknown = -1;

    public static TheoryData<MySqlValueKind, Type> ClrTypes => new()
    {
        { MySqlValueKind.SByte, typeof(sbyte) },
        { MySqlValueKind.Byte, typeof(byte) },
        { MySqlValueKind.Int16, typeof(short) },
        { MySqlValueKind.UInt16, typeof(ushort) },
        { MySqlValueKind.Int32, typeof(int) },
        { MySqlValueKind.UInt32, typeof(uint) },
        { MySqlValueKind.Int64, typeof(long) },
        { MySqlValueKind.UInt64, typeof(ulong) },
        { MySqlValueKind.Decimal, typeof(decimal) },
        { MySqlValueKind.ExactDecimal, typeof(ExactDecimal) },
        { MySqlValueKind.Single, typeof(float) },
        { MySqlValueKind.Double, typeof(double) },
        { MySqlValueKind.Date, typeof(DateTime) },
        { MySqlValueKind.DateTime, typeof(DateTime) },
        { MySqlValueKind.Timestamp, typeof(DateTime) },
        { MySqlValueKind.Time, typeof(TimeSpan) },
        { MySqlValueKind.Year, typeof(short) },
        { MySqlValueKind.Bit, typeof(ulong) },
        { MySqlValueKind.Text, typeof(string) },
        { MySqlValueKind.Binary, typeof(byte[]) },
        { MySqlValueKind.Json, typeof(string) },
        { MySqlValueKind.Enum, typeof(string) },
        { MySqlValueKind.Set, typeof(string) },
        { MySqlValueKind.Spatial, typeof(byte[]) },
    };

    [Theory]
    [MemberData(nameof(ClrTypes))]
    public void ClrType_OfEachKind(MySqlValueKind kind, Type expected) =>
        MySqlValuePolicy.ClrType(kind).Should().Be(expected);

    [Fact]
    public void ClrType_CoversEveryKind() =>
        ClrTypes.Select(row => (MySqlValueKind)row[0]).Should().BeEquivalentTo(Enum.GetValues<MySqlValueKind>());

    [Fact]
    public void ClrType_OfAnUndefinedKind_Throws()
    {
        var act = () => MySqlValuePolicy.ClrType((MySqlValueKind)200);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(1, MySqlValueKind.Decimal)]
    [InlineData(28, MySqlValueKind.Decimal)]
    [InlineData(29, MySqlValueKind.ExactDecimal)]
    [InlineData(65, MySqlValueKind.ExactDecimal)]
    public void Decimal_PrecisionUpTo28IsDecimal_AboveIsExactDecimal(int precision, MySqlValueKind expected)
    {
        MySqlValuePolicy.MaxDecimalPrecision.Should().Be(28);
        MySqlValuePolicy.Decimal(precision).Should().Be(expected);
    }

    [Theory]
    [InlineData(MySqlColumnType.Tiny, false, MySqlValueKind.SByte)]
    [InlineData(MySqlColumnType.Tiny, true, MySqlValueKind.Byte)]
    [InlineData(MySqlColumnType.Short, false, MySqlValueKind.Int16)]
    [InlineData(MySqlColumnType.Short, true, MySqlValueKind.UInt16)]
    [InlineData(MySqlColumnType.Int24, false, MySqlValueKind.Int32)]
    [InlineData(MySqlColumnType.Int24, true, MySqlValueKind.UInt32)]
    [InlineData(MySqlColumnType.Long, false, MySqlValueKind.Int32)]
    [InlineData(MySqlColumnType.Long, true, MySqlValueKind.UInt32)]
    [InlineData(MySqlColumnType.LongLong, false, MySqlValueKind.Int64)]
    [InlineData(MySqlColumnType.LongLong, true, MySqlValueKind.UInt64)]
    [InlineData(MySqlColumnType.Float, false, MySqlValueKind.Single)]
    [InlineData(MySqlColumnType.Double, false, MySqlValueKind.Double)]
    [InlineData(MySqlColumnType.Year, false, MySqlValueKind.Year)]
    [InlineData(MySqlColumnType.Date, false, MySqlValueKind.Date)]
    [InlineData(MySqlColumnType.NewDate, false, MySqlValueKind.Date)]
    [InlineData(MySqlColumnType.DateTime, false, MySqlValueKind.DateTime)]
    [InlineData(MySqlColumnType.DateTime2, false, MySqlValueKind.DateTime)]
    [InlineData(MySqlColumnType.Timestamp, false, MySqlValueKind.Timestamp)]
    [InlineData(MySqlColumnType.Timestamp2, false, MySqlValueKind.Timestamp)]
    [InlineData(MySqlColumnType.Time, false, MySqlValueKind.Time)]
    [InlineData(MySqlColumnType.Time2, false, MySqlValueKind.Time)]
    [InlineData(MySqlColumnType.Bit, false, MySqlValueKind.Bit)]
    [InlineData(MySqlColumnType.Enum, false, MySqlValueKind.Enum)]
    [InlineData(MySqlColumnType.Set, false, MySqlValueKind.Set)]
    [InlineData(MySqlColumnType.Geometry, false, MySqlValueKind.Spatial)]
    [InlineData(MySqlColumnType.Vector, false, MySqlValueKind.Spatial)]
    [InlineData(MySqlColumnType.Json, false, MySqlValueKind.Json)]
    public void Of_TableMapColumn_OfEachType(MySqlColumnType type, bool unsigned, MySqlValueKind expected) =>
        MySqlValuePolicy.Of(Column(type, unsigned: unsigned)).Should().Be(expected);

    [Theory]
    [InlineData(28, 0, MySqlValueKind.Decimal)]
    [InlineData(28, 28, MySqlValueKind.Decimal)]
    [InlineData(29, 0, MySqlValueKind.ExactDecimal)]
    [InlineData(65, 30, MySqlValueKind.ExactDecimal)]
    public void Of_TableMapDecimal_TakesThePrecisionFromTheMetadata(int precision, int scale, MySqlValueKind expected) =>
        MySqlValuePolicy.Of(Column(MySqlColumnType.NewDecimal, (precision << 8) | scale)).Should().Be(expected);

    [Theory]
    [InlineData(MySqlColumnType.VarChar, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.VarChar, Latin1, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.VarChar, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.VarChar, Unknown, MySqlValueKind.Text)] // decoded as UTF-8, as the decoder does
    [InlineData(MySqlColumnType.VarString, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.VarString, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.String, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.String, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.TinyBlob, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.Blob, Latin1, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.MediumBlob, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.LongBlob, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(MySqlColumnType.TinyBlob, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.Blob, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.MediumBlob, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.LongBlob, Binary, MySqlValueKind.Binary)]
    [InlineData(MySqlColumnType.Blob, Unknown, MySqlValueKind.Binary)] // a blob of unknown charset is kept as bytes
    [InlineData(BinlogValueDecoder.MariaDbVarCharCompressed, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(BinlogValueDecoder.MariaDbVarCharCompressed, Binary, MySqlValueKind.Binary)]
    [InlineData(BinlogValueDecoder.MariaDbBlobCompressed, Utf8Mb4, MySqlValueKind.Text)]
    [InlineData(BinlogValueDecoder.MariaDbBlobCompressed, Binary, MySqlValueKind.Binary)]
    public void Of_TableMapCharacterColumn_IsTextUnlessTheCollationIsBinary(MySqlColumnType type, int collation, MySqlValueKind expected) =>
        MySqlValuePolicy.Of(Column(type, collation: collation)).Should().Be(expected);

    [Theory]
    [InlineData(MySqlColumnType.Decimal)] // pre-5.0 DECIMAL
    [InlineData(MySqlColumnType.Null)]
    [InlineData(MySqlColumnType.TypedArray)]
    public void Of_TableMapColumnRowsEventsCannotCarry_IsBinlogUnsupported(MySqlColumnType type)
    {
        var act = () => MySqlValuePolicy.Of(Column(type, name: "odd"));

        act.Should().Throw<BinlogException>().Where(e => e.Kind == BinlogErrorKind.BinlogUnsupported && e.Message.Contains("odd"));
    }

    [Theory]
    [InlineData("tinyint", false, null, MySqlValueKind.SByte)]
    [InlineData("tinyint", true, null, MySqlValueKind.Byte)]
    [InlineData("smallint", true, null, MySqlValueKind.UInt16)]
    [InlineData("mediumint", false, null, MySqlValueKind.Int32)]
    [InlineData("mediumint", true, null, MySqlValueKind.UInt32)]
    [InlineData("int", true, null, MySqlValueKind.UInt32)]
    [InlineData("bigint", false, null, MySqlValueKind.Int64)]
    [InlineData("bigint", true, null, MySqlValueKind.UInt64)]
    [InlineData("decimal", false, 28, MySqlValueKind.Decimal)]
    [InlineData("decimal", true, 29, MySqlValueKind.ExactDecimal)]
    [InlineData("float", false, null, MySqlValueKind.Single)]
    [InlineData("double", false, null, MySqlValueKind.Double)]
    [InlineData("year", false, null, MySqlValueKind.Year)]
    [InlineData("timestamp", false, null, MySqlValueKind.Timestamp)]
    [InlineData("bit", false, 64, MySqlValueKind.Bit)]
    [InlineData("char", false, null, MySqlValueKind.Text)]
    [InlineData("longtext", false, null, MySqlValueKind.Text)]
    [InlineData("varbinary", false, null, MySqlValueKind.Binary)]
    [InlineData("tinyblob", false, null, MySqlValueKind.Binary)]
    [InlineData("json", false, null, MySqlValueKind.Json)]
    [InlineData("enum", false, null, MySqlValueKind.Enum)]
    [InlineData("set", false, null, MySqlValueKind.Set)]
    [InlineData("point", false, null, MySqlValueKind.Spatial)]
    [InlineData("vector", false, null, MySqlValueKind.Spatial)]
    public void OfDataType_OfEachDeclaredType(string dataType, bool unsigned, int? precision, MySqlValueKind expected) =>
        MySqlValuePolicy.OfDataType(dataType, unsigned, precision).Should().Be(expected);

    [Theory]
    [InlineData("uuid")]
    [InlineData("inet6")]
    [InlineData("no such type")]
    public void OfDataType_TypeWithoutAKind_IsNull(string dataType) =>
        MySqlValuePolicy.OfDataType(dataType, unsigned: false, precision: null).Should().BeNull();

    [Fact]
    public void IsInteger_IsTheEightIntegerKinds() =>
        Enum.GetValues<MySqlValueKind>().Where(MySqlValuePolicy.IsInteger).Should().Equal(
            MySqlValueKind.SByte, MySqlValueKind.Byte, MySqlValueKind.Int16, MySqlValueKind.UInt16,
            MySqlValueKind.Int32, MySqlValueKind.UInt32, MySqlValueKind.Int64, MySqlValueKind.UInt64);

    [Theory]
    [MemberData(nameof(RecordedFileTests.AllFiles), MemberType = typeof(RecordedFileTests))]
    public void EveryDecodedValue_OfEveryRecordedFile_HasTheClrTypeOfItsColumnsKind(string file)
    {
        List<BinlogEvent> events;
        try
        {
            events = [.. BinlogFileReader.ReadEvents(BinlogFixtures.PathOf(file))];
        }
        catch (BinlogException e) when (e.Kind == BinlogErrorKind.BinlogUnsupported)
        {
            return; // recordings without full row metadata (RowValuesTests checks that they say so)
        }

        var wrong = new List<string>();
        var values = 0;
        var allRows = events.SelectMany(e => e is TransactionPayloadEvent p ? p.Events : [e]).OfType<RowsEvent>().ToList();
        foreach (var rows in allRows)
        {
            foreach (var image in rows.Rows.SelectMany(r => new[] { r.Before, r.After }).OfType<object?[]>())
            {
                foreach (var column in rows.Table.Columns)
                {
                    if (image[column.Ordinal] is not { } value || ReferenceEquals(value, RowImagePair.Absent))
                    {
                        continue;
                    }

                    var kind = MySqlValuePolicy.Of(column);
                    var isExactDate = kind is MySqlValueKind.Date or MySqlValueKind.DateTime or MySqlValueKind.Timestamp && value is MySqlDateTime;
                    if (value.GetType() != MySqlValuePolicy.ClrType(kind) && !isExactDate)
                    {
                        wrong.Add($"{rows.Table.Table}.{column}: {kind} as {value.GetType().Name}");
                    }

                    values++;
                }
            }
        }

        wrong.Distinct().Should().BeEmpty();
        if (allRows.Any(r => r.Rows.Count > 0))
        {
            values.Should().BePositive();
        }
    }
}
