namespace DualWrite.MySql.Protocol;

/// <summary>SQL type names for column definitions, as GetDataTypeName reports them.</summary>
internal static class ColumnTypeNames
{
    public static string Describe(ColumnDefinition column)
    {
        if (string.Equals(column.ExtendedTypeName, "json", StringComparison.OrdinalIgnoreCase))
        {
            return "JSON";
        }

        var name = column.Type switch
        {
            MySqlColumnType.Tiny => "TINYINT",
            MySqlColumnType.Short => "SMALLINT",
            MySqlColumnType.Int24 => "MEDIUMINT",
            MySqlColumnType.Long => "INT",
            MySqlColumnType.LongLong => "BIGINT",
            MySqlColumnType.Float => "FLOAT",
            MySqlColumnType.Double => "DOUBLE",
            MySqlColumnType.Decimal or MySqlColumnType.NewDecimal => "DECIMAL",
            MySqlColumnType.Date or MySqlColumnType.NewDate => "DATE",
            MySqlColumnType.DateTime or MySqlColumnType.DateTime2 => "DATETIME",
            MySqlColumnType.Timestamp or MySqlColumnType.Timestamp2 => "TIMESTAMP",
            MySqlColumnType.Time or MySqlColumnType.Time2 => "TIME",
            MySqlColumnType.Year => "YEAR",
            MySqlColumnType.Bit => "BIT",
            MySqlColumnType.Json => "JSON",
            MySqlColumnType.Geometry => "GEOMETRY",
            MySqlColumnType.Null => "NULL",
            MySqlColumnType.String when (column.Flags & ColumnFlags.Enum) != 0 => "ENUM",
            MySqlColumnType.String when (column.Flags & ColumnFlags.Set) != 0 => "SET",
            MySqlColumnType.Enum => "ENUM",
            MySqlColumnType.Set => "SET",
            MySqlColumnType.String => column.IsBinary ? "BINARY" : "CHAR",
            MySqlColumnType.VarString or MySqlColumnType.VarChar => column.IsBinary ? "VARBINARY" : "VARCHAR",
            MySqlColumnType.TinyBlob or MySqlColumnType.Blob or MySqlColumnType.MediumBlob or MySqlColumnType.LongBlob =>
                column.IsBinary ? "BLOB" : "TEXT",
            _ => column.Type.ToString().ToUpperInvariant(),
        };

        return column.IsUnsigned && name is "TINYINT" or "SMALLINT" or "MEDIUMINT" or "INT" or "BIGINT" or "DECIMAL" or "FLOAT" or "DOUBLE"
            ? name + " UNSIGNED"
            : name;
    }
}
