namespace DualWrite.Testing;

/// <summary>
/// A table with a column of every MySQL type the value policy knows, and rows of boundary, zero and NULL values: the
/// one type matrix the binlog, SELECT and schema tests share. Run <see cref="CreateTable"/>, then <see cref="Insert"/>
/// (several statements; the last row needs an empty sql_mode for its zero dates).
/// </summary>
public static class MySqlTypeMatrix
{
    /// <summary>The table <c>types</c>: <c>id</c>, then one column per type.</summary>
    public const string CreateTable = """
        CREATE TABLE types (
          id INT NOT NULL PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, t1 TINYINT(1), si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
          i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          d65 DECIMAL(65,30), d29 DECIMAL(29,10), d28 DECIMAL(28,10), d10 DECIMAL(10,2), f FLOAT, db DOUBLE,
          dt DATE, dtm0 DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6), ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, tm TIME, tm6 TIME(6), y YEAR,
          c CHAR(10), g36 CHAR(36), vc VARCHAR(300), tx TEXT, mtx MEDIUMTEXT, ltx LONGTEXT,
          vc3 VARCHAR(20) CHARACTER SET utf8mb3, vl1 VARCHAR(40) CHARACTER SET latin1,
          bn BINARY(4), g16 BINARY(16), vb VARBINARY(20), bl BLOB, lbl LONGBLOB, e ENUM('small','medium','large'), st SET('a','b','c','d'),
          b1 BIT(1), b64 BIT(64), js JSON, pt POINT
        ) ENGINE=InnoDB
        """;

    /// <summary>Four rows: extremes, zeros and empty values, NULLs, and zero or partial dates.</summary>
    public const string Insert = """
        INSERT INTO types VALUES
        (1, -128, 255, 2, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
         -12345678901234567890123456789012345.123456789012345678901234567890, -1234567890123456789.0123456789, -999999999999999999.9999999999,
         -99999999.99, -3.5, 1.7976931348623157e308,
         '1000-01-01', '1000-01-01 00:00:00', '2024-02-29 12:34:56.789', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999',
         '-838:59:59', '838:59:59.000001', 2155,
         'fixed', '3F2504E0-4F89-11D3-9A0C-0305E82C3301', REPEAT('v', 300), 'long text 😀', 'medium ☃', REPEAT('long 😀', 1000),
         'mb3 é', CONCAT('l1 €Ž ', CONVERT(X'818D' USING latin1), ' ÿ'),
         X'00FF10AB', X'00112233445566778899AABBCCDDEEFF', X'', X'DEADBEEF', X'00FF', 'large', 'a,d',
         b'1', b'1111111111111111111111111111111111111111111111111111111111111111', '{"k": [1, 2.5, "x"], "u": "é😀"}',
         ST_GeomFromText('POINT(1.5 -2.25)')),
        (2, 127, 0, -1, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
         12345678901234567890123456789012345.000000000000000000000000000001, 0.0000000001, 0.0000000000, 0.00, 0, 0,
         '2024-02-29', '2024-02-29 12:34:56', '1000-01-01 00:00:00.000', '2024-02-29 12:34:56.000100', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000000',
         '-00:00:01.500000', '00:00:00', 1901,
         '', '', '', '', '', '', '', '', X'00000000', X'00000000000000000000000000000000', X'01', X'', X'', 'small', '',
         b'0', b'0', '[]', ST_GeomFromText('POINT(0 0)')),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        SET SESSION sql_mode = '';
        INSERT INTO types (id, dt, dtm0, dtm3, dtm6, ts0, ts6) VALUES
        (4, '0000-00-00', '2024-00-15 10:11:12', '2024-02-00 00:00:00.001', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000')
        """;
}
