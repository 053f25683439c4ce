using DualWrite.Backfill.Schema;
using DualWrite.MySql;
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
    public static Action<MySqlDataReader, int, NpgsqlBinaryImporter> For(ColumnSpec column)
    {
        var type = column.Type;
        if (!column.Plain)
        {
            return Generic(column);
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
            _ => Generic(column),
        };
    }

    /// <summary>
    /// Text: UTF-8 bytes from the source go to the target (a UTF-8 database) as they are, neither decoded nor
    /// re-encoded; other character sets are decoded to a string. Either way a NUL character is refused.
    /// </summary>
    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Text(ColumnSpec column)
    {
        var buffer = new byte[256];
        return (r, i, w) =>
        {
            if (!r.IsUtf8Text(i))
            {
                w.Write((string)column.Convert(r.GetString(i))!, column.Type.DbType);
                return;
            }

            var bytes = r.GetRawBytes(i);
            if (bytes.Contains((byte)0))
            {
                column.Convert(r.GetString(i)); // throws the typed error naming the column
            }

            if (bytes.Length > buffer.Length)
            {
                buffer = new byte[Math.Max(bytes.Length, buffer.Length * 2)];
            }

            bytes.CopyTo(buffer);
            w.Write(new ReadOnlyMemory<byte>(buffer, 0, bytes.Length), column.Type.DbType);
        };
    }

    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Generic(ColumnSpec column) =>
        (r, i, w) => w.Write(column.Convert(r.GetValue(i))!, column.Type.DbType);
}
