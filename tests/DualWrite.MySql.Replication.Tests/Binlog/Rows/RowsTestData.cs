using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

/// <summary>Builders for hand-made table maps and value bytes.</summary>
internal static class RowsTestData
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static TableMapColumn Column(MySqlColumnType type, int metadata = 0, bool unsigned = false, int collation = -1,
        string? name = "c", IReadOnlyList<string>? enumValues = null, IReadOnlyList<string>? setValues = null, int ordinal = 0) => new()
        {
            Ordinal = ordinal,
            Type = type,
            Metadata = (ushort)metadata,
            IsNullable = true,
            IsUnsigned = unsigned,
            CollationId = collation,
            Name = name,
            EnumValues = enumValues,
            SetValues = setValues,
        };

    public static TableMap Table(params TableMapColumn[] columns)
    {
        var numbered = new TableMapColumn[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var c = columns[i];
            numbered[i] = new TableMapColumn
            {
                Ordinal = i,
                Type = c.Type,
                Metadata = c.Metadata,
                IsNullable = c.IsNullable,
                IsUnsigned = c.IsUnsigned,
                CollationId = c.CollationId,
                Name = c.Name == "c" ? "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : c.Name,
                EnumValues = c.EnumValues,
                SetValues = c.SetValues,
            };
        }
        return new TableMap { TableId = 1, Schema = "db", Table = "t", Columns = numbered };
    }

    /// <summary>Decodes one value and checks that exactly all bytes were used.</summary>
    public static object Decode(TableMapColumn column, byte[] bytes)
    {
        var table = Table(column);
        var offset = 0;
        var value = BinlogValueDecoder.Decode(bytes, ref offset, table, table.Columns[0]);
        offset.Should().Be(bytes.Length, "the decoder must consume exactly the value's bytes");
        return value;
    }

    public static object Decode(TableMapColumn column, string hex) => Decode(column, Hex(hex));

    /// <summary>Runs <paramref name="action"/> and returns the BinlogException it throws.</summary>
    public static BinlogException Throws(Action action)
    {
        var thrown = action.Should().Throw<BinlogException>().Which;
        return thrown;
    }

    /// <summary>Decodes the rows events recorded from MariaDB against their table map.</summary>
    public static DecodedRows DecodeMariaDb(string tableMapHex, string rowsHex, byte rowsType)
    {
        var map = TableMapParser.Parse(Hex(tableMapHex), MariaDbCapturedEvents.TableMapPostHeaderLength, isMariaDb: true);
        return RowsEnvelope.Decode(new BinlogTestFile.RawEvent(0, rowsType, Hex(rowsHex)), new Dictionary<ulong, TableMap> { [map.TableId] = map });
    }
}
