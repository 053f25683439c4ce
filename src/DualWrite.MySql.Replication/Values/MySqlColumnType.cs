namespace DualWrite.MySql.Values;

/// <summary>
/// The column type codes of the MySQL/MariaDB wire protocol (enum_field_types), as sent in
/// column definitions and binlog table maps.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/field__types_8h.html</remarks>
public enum MySqlColumnType : byte
{
    /// <summary>Pre-5.0 DECIMAL.</summary>
    Decimal = 0,
    /// <summary>TINYINT.</summary>
    Tiny = 1,
    /// <summary>SMALLINT.</summary>
    Short = 2,
    /// <summary>INT.</summary>
    Long = 3,
    /// <summary>FLOAT.</summary>
    Float = 4,
    /// <summary>DOUBLE.</summary>
    Double = 5,
    /// <summary>The NULL literal's type.</summary>
    Null = 6,
    /// <summary>TIMESTAMP.</summary>
    Timestamp = 7,
    /// <summary>BIGINT.</summary>
    LongLong = 8,
    /// <summary>MEDIUMINT.</summary>
    Int24 = 9,
    /// <summary>DATE.</summary>
    Date = 10,
    /// <summary>TIME.</summary>
    Time = 11,
    /// <summary>DATETIME.</summary>
    DateTime = 12,
    /// <summary>YEAR.</summary>
    Year = 13,
    /// <summary>DATE (internal newer form).</summary>
    NewDate = 14,
    /// <summary>VARCHAR (binlog).</summary>
    VarChar = 15,
    /// <summary>BIT.</summary>
    Bit = 16,
    /// <summary>TIMESTAMP with fractional seconds (binlog).</summary>
    Timestamp2 = 17,
    /// <summary>DATETIME with fractional seconds (binlog).</summary>
    DateTime2 = 18,
    /// <summary>TIME with fractional seconds (binlog).</summary>
    Time2 = 19,
    /// <summary>Typed array (MySQL 8 replication only).</summary>
    TypedArray = 20,
    /// <summary>VECTOR (MySQL 9).</summary>
    Vector = 242,
    /// <summary>JSON (MySQL; MariaDB sends LONGTEXT/BLOB).</summary>
    Json = 245,
    /// <summary>DECIMAL / NUMERIC.</summary>
    NewDecimal = 246,
    /// <summary>ENUM (binlog; result sets send STRING with the ENUM flag).</summary>
    Enum = 247,
    /// <summary>SET (binlog; result sets send STRING with the SET flag).</summary>
    Set = 248,
    /// <summary>TINYBLOB / TINYTEXT.</summary>
    TinyBlob = 249,
    /// <summary>MEDIUMBLOB / MEDIUMTEXT.</summary>
    MediumBlob = 250,
    /// <summary>LONGBLOB / LONGTEXT.</summary>
    LongBlob = 251,
    /// <summary>BLOB / TEXT.</summary>
    Blob = 252,
    /// <summary>VARCHAR / VARBINARY.</summary>
    VarString = 253,
    /// <summary>CHAR / BINARY, ENUM and SET in result sets.</summary>
    String = 254,
    /// <summary>GEOMETRY.</summary>
    Geometry = 255,
}
