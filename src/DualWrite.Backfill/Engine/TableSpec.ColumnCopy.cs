using DualWrite.Backfill.Schema;
using DualWrite.MySql.Values;
using DualWrite.MySql;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;

namespace DualWrite.Backfill.Engine;

/// <summary>How one column's value goes from the source reader into a binary COPY without an intermediate object.</summary>
internal static class ColumnCopy
{
    /// <summary>
    /// The copier for <paramref name="column"/>: integers, floating point, exact decimals and plain text are read with
    /// the reader's typed getters and written with the importer's typed writers (no boxing); every other type, and
    /// any column with a transform, goes through <see cref="ColumnSpec.Convert"/>.
    /// </summary>
    /// <param name="column">The mapped column.</param>
    /// <param name="read">Reads the column's source value as the value policy has it (<see cref="MySqlColumnReader"/>).</param>
    public static Action<MySqlDataReader, int, NpgsqlBinaryImporter> For(ColumnSpec column, Func<MySqlDataReader, int, object> read)
    {
        var type = column.Type;
        if (!column.Plain)
        {
            return Generic(column, read);
        }

        return (type.DbType, column.Source.DataType) switch
        {
            (NpgsqlDbType.Smallint, _) => (r, i, w) => w.Write(r.GetInt16(i), NpgsqlDbType.Smallint),
            (NpgsqlDbType.Integer, _) => (r, i, w) => w.Write(r.GetInt32(i), NpgsqlDbType.Integer),
            (NpgsqlDbType.Bigint, _) => (r, i, w) => w.Write(r.GetInt64(i), NpgsqlDbType.Bigint),
            (NpgsqlDbType.Double, _) => (r, i, w) => w.Write(r.GetDouble(i), NpgsqlDbType.Double),
            (NpgsqlDbType.Real, _) => (r, i, w) => w.Write(r.GetFloat(i), NpgsqlDbType.Real),
            (NpgsqlDbType.Numeric, "decimal" or "numeric") => (r, i, w) => w.Write(r.GetDecimal(i), NpgsqlDbType.Numeric),
            (NpgsqlDbType.Varchar or NpgsqlDbType.Text, "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext") => Text(column),
            _ => Generic(column, read),
        };
    }

    /// <summary>Text, with the NUL check of <see cref="ColumnSpec.Convert"/> (PostgreSQL text cannot hold NUL).</summary>
    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Text(ColumnSpec column) =>
        (r, i, w) => w.Write((string)column.Convert(r.GetString(i))!, column.Type.DbType);

    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Generic(ColumnSpec column, Func<MySqlDataReader, int, object> read) =>
        (r, i, w) => w.Write(column.Convert(read(r, i))!, column.Type.DbType);
}
