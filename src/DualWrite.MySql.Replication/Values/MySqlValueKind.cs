namespace DualWrite.MySql.Values;

/// <summary>
/// What a MySQL column's values are, and so which CLR type carries them (<see cref="MySqlValuePolicy.ClrType"/>):
/// the one decision the binlog decoder and the SELECT reader share, so a change-data value and a queried value of the
/// same column compare by plain equality.
/// </summary>
public enum MySqlValueKind
{
    /// <summary>TINYINT: <see cref="sbyte"/>.</summary>
    SByte,
    /// <summary>TINYINT UNSIGNED: <see cref="byte"/>.</summary>
    Byte,
    /// <summary>SMALLINT: <see cref="short"/>.</summary>
    Int16,
    /// <summary>SMALLINT UNSIGNED: <see cref="ushort"/>.</summary>
    UInt16,
    /// <summary>MEDIUMINT, INT: <see cref="int"/>.</summary>
    Int32,
    /// <summary>MEDIUMINT UNSIGNED, INT UNSIGNED: <see cref="uint"/>.</summary>
    UInt32,
    /// <summary>BIGINT: <see cref="long"/>.</summary>
    Int64,
    /// <summary>BIGINT UNSIGNED: <see cref="ulong"/>.</summary>
    UInt64,
    /// <summary>DECIMAL of precision up to 28: <see cref="decimal"/>, scale kept.</summary>
    Decimal,
    /// <summary>DECIMAL of precision 29 to 65: <see cref="Values.ExactDecimal"/>.</summary>
    ExactDecimal,
    /// <summary>FLOAT: <see cref="float"/>.</summary>
    Single,
    /// <summary>DOUBLE: <see cref="double"/>.</summary>
    Double,
    /// <summary>DATE: <see cref="System.DateTime"/> at midnight (Unspecified), or MySqlConnector's MySqlDateTime for a zero or partial date.</summary>
    Date,
    /// <summary>DATETIME: <see cref="System.DateTime"/> (Unspecified), or MySqlConnector's MySqlDateTime for a zero or partial date.</summary>
    DateTime,
    /// <summary>TIMESTAMP: <see cref="System.DateTime"/> in UTC, or MySqlConnector's MySqlDateTime for the zero timestamp.</summary>
    Timestamp,
    /// <summary>TIME: <see cref="TimeSpan"/>, negative and beyond 24 h.</summary>
    Time,
    /// <summary>YEAR: <see cref="short"/>.</summary>
    Year,
    /// <summary>BIT(n): <see cref="ulong"/>.</summary>
    Bit,
    /// <summary>CHAR, VARCHAR, TEXT: <see cref="string"/>.</summary>
    Text,
    /// <summary>BINARY, VARBINARY, BLOB: <see cref="T:byte[]"/>.</summary>
    Binary,
    /// <summary>JSON: <see cref="string"/> (MySQL's binary JSON decoded to the text MySQL prints).</summary>
    Json,
    /// <summary>ENUM: <see cref="string"/>, the member name.</summary>
    Enum,
    /// <summary>SET: <see cref="string"/>, the member names comma-separated.</summary>
    Set,
    /// <summary>GEOMETRY and VECTOR: <see cref="T:byte[]"/> as stored.</summary>
    Spatial,
}
