using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using DualWrite.MySql;
using MySqlConnector;
using NpgsqlTypes;

namespace DualWrite.Migration.Schema;

/// <summary>
/// The MySQL → PostgreSQL type mapping (documented in docs/backfill.md). Every mapping is exact for every value the
/// source type can hold, except where the table in the docs says otherwise (zero dates).
/// </summary>
public static partial class TypeMapping
{
    /// <summary>Maps <paramref name="column"/>; false with a reason when its type is not supported.</summary>
    public static bool TryMap(MySqlColumn column, out TargetColumnType type, out string reason)
    {
        ArgumentNullException.ThrowIfNull(column);
        reason = "";
        TargetColumnType? mapped = column.Kind switch
        {
            MySqlValueKind.SByte or MySqlValueKind.Byte or MySqlValueKind.Int16 or MySqlValueKind.Year =>
                new("smallint", NpgsqlDbType.Smallint, v => System.Convert.ToInt16(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.UInt16 or MySqlValueKind.Int32 => new("integer", NpgsqlDbType.Integer, v => System.Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            // MEDIUMINT UNSIGNED (8 digits) fits integer; INT UNSIGNED (10) does not.
            MySqlValueKind.UInt32 when column.NumericPrecision <= 9 => new("integer", NpgsqlDbType.Integer, v => System.Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.UInt32 or MySqlValueKind.Int64 => new("bigint", NpgsqlDbType.Bigint, v => System.Convert.ToInt64(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.UInt64 => new("numeric(20,0)", NpgsqlDbType.Numeric, v => System.Convert.ToDecimal(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.Decimal or MySqlValueKind.ExactDecimal => Decimal(column),
            MySqlValueKind.Single => new("real", NpgsqlDbType.Real, v => System.Convert.ToSingle(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.Double => new("double precision", NpgsqlDbType.Double, v => System.Convert.ToDouble(v, CultureInfo.InvariantCulture)),
            MySqlValueKind.Bit => Bit(column),
            MySqlValueKind.Date => new("date", NpgsqlDbType.Date, v => DateValue(v, column.Name)),
            MySqlValueKind.DateTime => new($"timestamp({column.DateTimePrecision ?? 0})", NpgsqlDbType.Timestamp, v => DateValue(v, column.Name)),
            MySqlValueKind.Timestamp => new($"timestamptz({column.DateTimePrecision ?? 0})", NpgsqlDbType.TimestampTz, v => DateTime.SpecifyKind((DateTime)DateValue(v, column.Name), DateTimeKind.Utc)),
            // All in the interval's time part (838:59:59, not 34 days 22:59:59), as MySQL shows it.
            MySqlValueKind.Time => new($"interval({column.DateTimePrecision ?? 0})", NpgsqlDbType.Interval, v => new NpgsqlInterval(0, 0, ((TimeSpan)v).Ticks / TimeSpan.TicksPerMicrosecond)),
            // CHAR(n) and VARCHAR(n) keep their length; the TEXT types have none worth keeping.
            MySqlValueKind.Text when column.DataType is "char" or "varchar" =>
                new($"varchar({column.CharacterMaximumLength ?? 255})", NpgsqlDbType.Varchar, v => Text(v, column.Name)),
            MySqlValueKind.Text => new("text", NpgsqlDbType.Text, v => Text(v, column.Name)),
            MySqlValueKind.Binary => new("bytea", NpgsqlDbType.Bytea, v => (byte[])v),
            MySqlValueKind.Json => new("jsonb", NpgsqlDbType.Jsonb, v => Text(v, column.Name)),
            MySqlValueKind.Enum => Enum(column),
            MySqlValueKind.Set => new("text[]", NpgsqlDbType.Array | NpgsqlDbType.Text, v => SetMembers((string)v)),
            _ => null,
        };

        if (mapped is null)
        {
            reason = $"column `{column.Name}` has type {column.ColumnType}, which has no PostgreSQL mapping (supported: integers, DECIMAL, FLOAT, DOUBLE, BIT, " +
                "YEAR, DATE, DATETIME, TIMESTAMP, TIME, CHAR, VARCHAR, TEXT, BINARY, VARBINARY, BLOB, JSON, ENUM, SET)";
            type = null!;
            return false;
        }

        type = mapped;
        return true;
    }

    /// <summary>Maps <paramref name="column"/>.</summary>
    /// <exception cref="NotSupportedException">The column's type has no mapping; the message names the column and type.</exception>
    public static TargetColumnType Map(MySqlColumn column) =>
        TryMap(column, out var type, out var reason) ? type : throw new NotSupportedException(reason);

    private static TargetColumnType Decimal(MySqlColumn column)
    {
        var precision = column.NumericPrecision ?? 10;
        var scale = column.NumericScale ?? 0;
        var sql = string.Create(CultureInfo.InvariantCulture, $"numeric({precision},{scale})");
        if (column.Kind == MySqlValueKind.Decimal)
        {
            return new(sql, NpgsqlDbType.Numeric, v => v is ExactDecimal d && d.TryToDecimal(out var exact) ? exact : System.Convert.ToDecimal(v, CultureInfo.InvariantCulture));
        }

        // Beyond System.Decimal: the exact decimal text, cast to numeric on the server.
        return new(sql, NpgsqlDbType.Text, v => v switch
        {
            ExactDecimal d => d.ToString(),
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(v, CultureInfo.InvariantCulture)!,
        }, StagedAsText: true);
    }

    private static TargetColumnType Bit(MySqlColumn column)
    {
        var width = (int)(column.NumericPrecision ?? 1);
        return new(string.Create(CultureInfo.InvariantCulture, $"bit({width})"), NpgsqlDbType.Bit, v =>
        {
            var bits = System.Convert.ToUInt64(v, CultureInfo.InvariantCulture);
            var array = new BitArray(width);
            for (var i = 0; i < width; i++)
            {
                // MySQL's BIT value reads as an integer; PostgreSQL's bit string is written most significant bit first.
                array[i] = ((bits >> (width - 1 - i)) & 1) == 1;
            }

            return array;
        });
    }

    private static TargetColumnType Enum(MySqlColumn column)
    {
        var members = QuotedList().Matches(column.ColumnType).Select(m => m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)).ToList();
        var check = "{0} IN (" + string.Join(", ", members.Select(m => "'" + m.Replace("'", "''", StringComparison.Ordinal) + "'")) + ")";
        return new("text", NpgsqlDbType.Text, v => Text(v, column.Name), Check: members.Count == 0 ? null : check);
    }

    private static string[] SetMembers(string value) =>
        value.Length == 0 ? [] : value.Split(',');

    /// <summary>
    /// DATE, DATETIME and TIMESTAMP values (TIMESTAMP is read in UTC: the snapshot sets its session time zone to
    /// +00:00, and the binlog carries TIMESTAMP as seconds since the epoch). A zero or partial date (<c>0000-00-00</c>, <c>2024-00-15</c>), which
    /// PostgreSQL cannot hold, becomes <c>-infinity</c>: it still sorts before every real date and is never NULL.
    /// </summary>
    private static object DateValue(object value, string column) => value switch
    {
        DateTime d => d,
        // Only what DateTime cannot hold arrives as MySqlDateTime (MySqlTemporal).
        MySqlDateTime => DateTime.MinValue,
        _ => throw new TargetValueException($"column `{column}`: {value.GetType().Name} is not a date."),
    };

    private static string Text(object value, string column)
    {
        var text = (string)value;
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new TargetValueException($"column `{column}` holds a NUL character, which PostgreSQL text cannot store; map the column to a binary type or drop the character with a transform.");
        }

        return text;
    }

    [GeneratedRegex(@"'((?:[^']|'')*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedList();
}
