using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Rows;
using MySqlConnector;

namespace DualWrite.MySql.Values;

/// <summary>
/// The type policy of MySQL values: which <see cref="MySqlValueKind"/> a column is, from a binlog TABLE_MAP column
/// (<see cref="Of(TableMapColumn)"/>), a MySqlConnector result column (<see cref="Of(MySqlDbColumn)"/>) or the
/// declared type <c>information_schema.COLUMNS</c> gives (<see cref="OfDataType"/>), and which CLR type carries that
/// kind. The binlog decoder, <see cref="MySqlColumnReader"/> and the schema reader all decide through it.
/// </summary>
public static class MySqlValuePolicy
{
    /// <summary>The largest DECIMAL precision read as <see cref="decimal"/>; above it, <see cref="ExactDecimal"/>.</summary>
    public const int MaxDecimalPrecision = 28;

    /// <summary>The CLR type of a non-NULL value of <paramref name="kind"/> (dates DateTime cannot hold are MySqlConnector's MySqlDateTime).</summary>
    public static Type ClrType(MySqlValueKind kind) => kind switch
    {
        MySqlValueKind.SByte => typeof(sbyte),
        MySqlValueKind.Byte => typeof(byte),
        MySqlValueKind.Int16 or MySqlValueKind.Year => typeof(short),
        MySqlValueKind.UInt16 => typeof(ushort),
        MySqlValueKind.Int32 => typeof(int),
        MySqlValueKind.UInt32 => typeof(uint),
        MySqlValueKind.Int64 => typeof(long),
        MySqlValueKind.UInt64 or MySqlValueKind.Bit => typeof(ulong),
        MySqlValueKind.Decimal => typeof(decimal),
        MySqlValueKind.ExactDecimal => typeof(ExactDecimal),
        MySqlValueKind.Single => typeof(float),
        MySqlValueKind.Double => typeof(double),
        MySqlValueKind.Date or MySqlValueKind.DateTime or MySqlValueKind.Timestamp => typeof(DateTime),
        MySqlValueKind.Time => typeof(TimeSpan),
        MySqlValueKind.Text or MySqlValueKind.Json or MySqlValueKind.Enum or MySqlValueKind.Set => typeof(string),
        MySqlValueKind.Binary or MySqlValueKind.Spatial => typeof(byte[]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Whether <paramref name="kind"/> is one of the integer kinds, signed or unsigned (YEAR and BIT are not).</summary>
    public static bool IsInteger(MySqlValueKind kind) => kind is MySqlValueKind.SByte or MySqlValueKind.Byte or MySqlValueKind.Int16
        or MySqlValueKind.UInt16 or MySqlValueKind.Int32 or MySqlValueKind.UInt32 or MySqlValueKind.Int64 or MySqlValueKind.UInt64;

    /// <summary>The kind of a DECIMAL of <paramref name="precision"/> digits.</summary>
    public static MySqlValueKind Decimal(int precision) => precision <= MaxDecimalPrecision ? MySqlValueKind.Decimal : MySqlValueKind.ExactDecimal;

    /// <summary>
    /// The kind of a column as <c>information_schema.COLUMNS</c> declares it: its <c>DATA_TYPE</c> (lower case),
    /// whether its <c>COLUMN_TYPE</c> is UNSIGNED, and its <c>NUMERIC_PRECISION</c> (for DECIMAL). Null for a type
    /// without a kind (MariaDB's UUID, INET4 and INET6, which a SELECT and the binlog carry differently).
    /// </summary>
    /// <remarks>MariaDB's JSON is declared LONGTEXT; the schema reader names it <c>json</c> by its <c>json_valid</c> check.</remarks>
    public static MySqlValueKind? OfDataType(string dataType, bool unsigned, int? precision)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        return dataType switch
        {
            "tinyint" => unsigned ? MySqlValueKind.Byte : MySqlValueKind.SByte,
            "smallint" => unsigned ? MySqlValueKind.UInt16 : MySqlValueKind.Int16,
            "mediumint" or "int" => unsigned ? MySqlValueKind.UInt32 : MySqlValueKind.Int32,
            "bigint" => unsigned ? MySqlValueKind.UInt64 : MySqlValueKind.Int64,
            "decimal" => Decimal(precision ?? MaxDecimalPrecision),
            "float" => MySqlValueKind.Single,
            "double" => MySqlValueKind.Double,
            "date" => MySqlValueKind.Date,
            "datetime" => MySqlValueKind.DateTime,
            "timestamp" => MySqlValueKind.Timestamp,
            "time" => MySqlValueKind.Time,
            "year" => MySqlValueKind.Year,
            "bit" => MySqlValueKind.Bit,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => MySqlValueKind.Text,
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => MySqlValueKind.Binary,
            "json" => MySqlValueKind.Json,
            "enum" => MySqlValueKind.Enum,
            "set" => MySqlValueKind.Set,
            "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon"
                or "geometrycollection" or "geomcollection" or "vector" => MySqlValueKind.Spatial,
            _ => null,
        };
    }

    /// <summary>The kind of a column as a binlog TABLE_MAP event describes it.</summary>
    /// <exception cref="Replication.BinlogException">A column type rows events cannot carry (BinlogUnsupported).</exception>
    public static MySqlValueKind Of(TableMapColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var unsigned = column.IsUnsigned;
        // A character column with an unknown collation is kept as bytes: decoding it as text could alter it.
        var binary = column.CollationId is -1 or CharacterSets.BinaryCollationId;
        return column.Type switch
        {
            MySqlColumnType.Tiny => unsigned ? MySqlValueKind.Byte : MySqlValueKind.SByte,
            MySqlColumnType.Short => unsigned ? MySqlValueKind.UInt16 : MySqlValueKind.Int16,
            MySqlColumnType.Int24 or MySqlColumnType.Long => unsigned ? MySqlValueKind.UInt32 : MySqlValueKind.Int32,
            MySqlColumnType.LongLong => unsigned ? MySqlValueKind.UInt64 : MySqlValueKind.Int64,
            MySqlColumnType.Float => MySqlValueKind.Single,
            MySqlColumnType.Double => MySqlValueKind.Double,
            MySqlColumnType.NewDecimal => Decimal(column.Metadata >> 8),
            MySqlColumnType.Year => MySqlValueKind.Year,
            MySqlColumnType.Date or MySqlColumnType.NewDate => MySqlValueKind.Date,
            MySqlColumnType.DateTime or MySqlColumnType.DateTime2 => MySqlValueKind.DateTime,
            MySqlColumnType.Timestamp or MySqlColumnType.Timestamp2 => MySqlValueKind.Timestamp,
            MySqlColumnType.Time or MySqlColumnType.Time2 => MySqlValueKind.Time,
            MySqlColumnType.Bit => MySqlValueKind.Bit,
            MySqlColumnType.VarChar or MySqlColumnType.VarString or MySqlColumnType.String =>
                column.CollationId == CharacterSets.BinaryCollationId ? MySqlValueKind.Binary : MySqlValueKind.Text,
            MySqlColumnType.Enum => MySqlValueKind.Enum,
            MySqlColumnType.Set => MySqlValueKind.Set,
            MySqlColumnType.TinyBlob or MySqlColumnType.Blob or MySqlColumnType.MediumBlob or MySqlColumnType.LongBlob
                or BinlogValueDecoder.MariaDbBlobCompressed => binary ? MySqlValueKind.Binary : MySqlValueKind.Text,
            BinlogValueDecoder.MariaDbVarCharCompressed => column.CollationId == CharacterSets.BinaryCollationId ? MySqlValueKind.Binary : MySqlValueKind.Text,
            MySqlColumnType.Geometry or MySqlColumnType.Vector => MySqlValueKind.Spatial,
            MySqlColumnType.Json => MySqlValueKind.Json,
            _ => throw Replication.BinlogException.BinlogUnsupported(
                $"Column {column} has type {(int)column.Type} ({column.Type}), which rows events cannot carry or this reader cannot decode."),
        };
    }

    /// <summary>The kind of a column of a MySqlConnector result set.</summary>
    /// <exception cref="InvalidOperationException">The connection's settings change values (TINYINT(1) read as bool, CHAR(36) or BINARY(16) as Guid): see <see cref="MySqlExactSettings"/>.</exception>
    /// <exception cref="NotSupportedException">A column type without a kind.</exception>
    public static MySqlValueKind Of(MySqlDbColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.ProviderType switch
        {
            MySqlDbType.Byte => MySqlValueKind.SByte,
            MySqlDbType.UByte => MySqlValueKind.Byte,
            MySqlDbType.Int16 => MySqlValueKind.Int16,
            MySqlDbType.UInt16 => MySqlValueKind.UInt16,
            MySqlDbType.Int24 or MySqlDbType.Int32 => MySqlValueKind.Int32,
            MySqlDbType.UInt24 or MySqlDbType.UInt32 => MySqlValueKind.UInt32,
            MySqlDbType.Int64 => MySqlValueKind.Int64,
            MySqlDbType.UInt64 => MySqlValueKind.UInt64,
            MySqlDbType.Decimal or MySqlDbType.NewDecimal => Decimal(column.NumericPrecision ?? MaxDecimalPrecision),
            MySqlDbType.Float => MySqlValueKind.Single,
            MySqlDbType.Double => MySqlValueKind.Double,
            MySqlDbType.Date or MySqlDbType.Newdate => MySqlValueKind.Date,
            MySqlDbType.DateTime => MySqlValueKind.DateTime,
            MySqlDbType.Timestamp => MySqlValueKind.Timestamp,
            MySqlDbType.Time => MySqlValueKind.Time,
            MySqlDbType.Year => MySqlValueKind.Year,
            MySqlDbType.Bit => MySqlValueKind.Bit,
            MySqlDbType.String or MySqlDbType.VarString or MySqlDbType.VarChar or MySqlDbType.TinyText or MySqlDbType.Text
                or MySqlDbType.MediumText or MySqlDbType.LongText or MySqlDbType.Null => MySqlValueKind.Text,
            MySqlDbType.Binary or MySqlDbType.VarBinary or MySqlDbType.TinyBlob or MySqlDbType.Blob or MySqlDbType.MediumBlob
                or MySqlDbType.LongBlob => MySqlValueKind.Binary,
            MySqlDbType.JSON => MySqlValueKind.Json,
            MySqlDbType.Enum => MySqlValueKind.Enum,
            MySqlDbType.Set => MySqlValueKind.Set,
            MySqlDbType.Geometry or MySqlDbType.Vector => MySqlValueKind.Spatial,
            MySqlDbType.Bool => throw new InvalidOperationException(
                $"Column `{column.ColumnName}` (TINYINT(1)) is read as bool, which loses every value but 0 and 1: connect with TreatTinyAsBoolean=false ({nameof(MySqlExactSettings)}.{nameof(MySqlExactSettings.Apply)})."),
            MySqlDbType.Guid => throw new InvalidOperationException(
                $"Column `{column.ColumnName}` is read as Guid, which changes its text or bytes: connect with GuidFormat=None ({nameof(MySqlExactSettings)}.{nameof(MySqlExactSettings.Apply)})."),
            _ => throw new NotSupportedException($"Column `{column.ColumnName}` has the MySqlConnector type {column.ProviderType}, which has no value kind."),
        };
    }
}
