using DualWrite.Migration.Schema;
using DualWrite.MySql.Values;
using DualWrite.MySql;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;

namespace DualWrite.Migration.Engine;

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
    /// <param name="selectedAsUtf8">Whether the snapshot selected the column as its UTF-8 bytes (<see cref="SelectsUtf8Bytes"/>).</param>
    public static Action<MySqlDataReader, int, NpgsqlBinaryImporter> For(ColumnSpec column, Func<MySqlDataReader, int, object> read, bool selectedAsUtf8)
    {
        var type = column.Type;
        if (selectedAsUtf8)
        {
            return Utf8(column);
        }

        if (!column.Plain)
        {
            return Generic(column, read);
        }

        return (type.DbType, column.Source.Kind) switch
        {
            (NpgsqlDbType.Smallint, _) => (r, i, w) => w.Write(r.GetInt16(i), NpgsqlDbType.Smallint),
            (NpgsqlDbType.Integer, _) => (r, i, w) => w.Write(r.GetInt32(i), NpgsqlDbType.Integer),
            (NpgsqlDbType.Bigint, _) => (r, i, w) => w.Write(r.GetInt64(i), NpgsqlDbType.Bigint),
            (NpgsqlDbType.Double, _) => (r, i, w) => w.Write(r.GetDouble(i), NpgsqlDbType.Double),
            (NpgsqlDbType.Real, _) => (r, i, w) => w.Write(r.GetFloat(i), NpgsqlDbType.Real),
            (NpgsqlDbType.Numeric, MySqlValueKind.Decimal) => (r, i, w) => w.Write(r.GetDecimal(i), NpgsqlDbType.Numeric),
            (NpgsqlDbType.Varchar or NpgsqlDbType.Text, MySqlValueKind.Text) => Text(column),
            _ => Generic(column, read),
        };
    }

    /// <summary>
    /// Whether the snapshot selects <paramref name="column"/> as the UTF-8 bytes of its text
    /// (<see cref="Utf8SelectExpression"/>), for the copy to pass them to the target (a UTF-8 database) without decoding
    /// and re-encoding: plain text columns that are not keys (a key's value is also read back for the keyset predicate).
    /// </summary>
    public static bool SelectsUtf8Bytes(ColumnSpec column, bool isKey) =>
        !isKey && column.Plain && column.Type.DbType is NpgsqlDbType.Varchar or NpgsqlDbType.Text && column.Source.Kind == MySqlValueKind.Text;

    /// <summary>The select expression that gives a text column's value as UTF-8 bytes, whatever its character set.</summary>
    public static string Utf8SelectExpression(string quotedColumn) => $"CAST(CONVERT({quotedColumn} USING utf8mb4) AS BINARY)";

    /// <summary>
    /// UTF-8 bytes straight from the reader's buffer into the COPY: copied once into a reused buffer, neither decoded nor
    /// re-encoded. A NUL byte fails with the typed error of <see cref="ColumnSpec.Convert"/> (PostgreSQL text cannot hold NUL).
    /// </summary>
    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Utf8(ColumnSpec column)
    {
        var buffer = new byte[256];
        return (r, i, w) =>
        {
            var length = (int)r.GetBytes(i, 0, null, 0, 0);
            if (length > buffer.Length)
            {
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            }

            r.GetBytes(i, 0, buffer, 0, length);
            var bytes = buffer.AsSpan(0, length);
            if (bytes.Contains((byte)0))
            {
                column.Convert(System.Text.Encoding.UTF8.GetString(bytes)); // throws the typed error naming the column
            }

            w.Write(new ReadOnlyMemory<byte>(buffer, 0, length), column.Type.DbType);
        };
    }

    /// <summary>Text, with the NUL check of <see cref="ColumnSpec.Convert"/> (PostgreSQL text cannot hold NUL).</summary>
    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Text(ColumnSpec column) =>
        (r, i, w) => w.Write((string)column.Convert(r.GetString(i))!, column.Type.DbType);

    private static Action<MySqlDataReader, int, NpgsqlBinaryImporter> Generic(ColumnSpec column, Func<MySqlDataReader, int, object> read) =>
        (r, i, w) => w.Write(column.Convert(read(r, i))!, column.Type.DbType);
}
