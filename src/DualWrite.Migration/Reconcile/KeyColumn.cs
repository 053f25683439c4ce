using System.Collections;
using System.Globalization;
using System.Text;
using DualWrite.Migration.Engine;
using DualWrite.MySql;
using DualWrite.MySql.Values;
using DualWrite.PostgreSql;
using NpgsqlTypes;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// One key column of a plan pair: the order both servers stream it in, how the pair compares its canonical values in
/// that order, and how a canonical value is bound again on each side (a resumed range, a re-read key). Text sorts by its
/// UTF-8 bytes on both sides (MySQL by the bytes of the value converted to utf8mb4, PostgreSQL under the "C"
/// collation), whatever each column's collation; every other mapped type sorts in its natural order, which the two
/// servers share for it.
/// </summary>
internal sealed class KeyColumn
{
    private KeyColumn(ColumnSpec column, int index, bool text)
    {
        Column = column;
        Index = index;
        IsText = text;
        var name = MySqlNames.Quote(column.Source.Name);
        SourceOrder = text ? ColumnCopy.Utf8SelectExpression(name) : name;
        SourceMatch = column.Source.Kind == MySqlValueKind.ExactDecimal ? $"CAST({{0}} AS {column.Source.ColumnType})" : "{0}";
        TargetOrder = PgNames.Quote(column.Target) + (text ? " COLLATE \"C\"" : "");
    }

    /// <summary>The mapped column.</summary>
    public ColumnSpec Column { get; }

    /// <summary>Its index in the table's columns (and a row's values).</summary>
    public int Index { get; }

    /// <summary>Whether it sorts as text.</summary>
    public bool IsText { get; }

    /// <summary>The MySQL expression the source orders by and resumes after.</summary>
    public string SourceOrder { get; }

    /// <summary>How a bound value is written where the source matches a key (a format over the parameter's name).</summary>
    public string SourceMatch { get; }

    /// <summary>The PostgreSQL expression the target orders by and resumes after.</summary>
    public string TargetOrder { get; }

    /// <summary>The key columns of <paramref name="table"/>, in key order.</summary>
    /// <exception cref="NotSupportedException">A key column has a transform, or a type no order is shared for (the message names it).</exception>
    public static IReadOnlyList<KeyColumn> Of(TableSpec table) => [.. table.KeyColumns.Select(i =>
    {
        var column = table.Columns[i];
        if (!column.Plain)
        {
            throw new NotSupportedException(
                $"Entity '{table.Entity}': key column `{column.Source.Name}` has a transform ({column.Transform}), so its keys do not sort alike on both sides; the reconciler cannot compare the table.");
        }

        if (column.Type.DbType.HasFlag(NpgsqlDbType.Array) || column.Type.DbType == NpgsqlDbType.Jsonb)
        {
            throw new NotSupportedException(
                $"Entity '{table.Entity}': key column `{column.Source.Name}` maps to {column.Type.Sql}, which MySQL and PostgreSQL do not order alike; the reconciler cannot compare the table.");
        }

        return new KeyColumn(column, i, !column.Type.StagedAsText && column.Type.DbType is NpgsqlDbType.Varchar or NpgsqlDbType.Text);
    })];

    /// <summary>A canonical key value as the source binds it to match the column (<see cref="SourceMatch"/>).</summary>
    public object SourceValue(object canonical) => canonical switch
    {
        ReadOnlyMemory<byte> utf8 => Encoding.UTF8.GetString(utf8.Span),
        BitArray bits => BitsValue(bits),
        _ => canonical,
    };

    /// <summary>A canonical key value as the source binds it to compare with <see cref="SourceOrder"/>.</summary>
    public object SourceOrderValue(object canonical) => IsText ? Utf8(canonical) : SourceValue(canonical);

    /// <summary>A canonical key value as the target binds it: the column's own CLR type (or text, cast, for a value that travels as text).</summary>
    public NpgsqlTypes.NpgsqlDbType TargetParameterType => Column.Type.StagedAsText ? NpgsqlDbType.Text : Column.Type.DbType;

    /// <summary>A canonical key value as the target binds it (<see cref="TargetParameterType"/>).</summary>
    public object TargetValue(object canonical)
    {
        if (IsText || Column.Type.StagedAsText)
        {
            return canonical is ReadOnlyMemory<byte> utf8 ? Encoding.UTF8.GetString(utf8.Span) : (string)canonical;
        }

        return Column.Type.DbType switch
        {
            NpgsqlDbType.Smallint => Convert.ToInt16(canonical, CultureInfo.InvariantCulture),
            NpgsqlDbType.Integer => Convert.ToInt32(canonical, CultureInfo.InvariantCulture),
            NpgsqlDbType.Bigint => Convert.ToInt64(canonical, CultureInfo.InvariantCulture),
            NpgsqlDbType.Numeric => Convert.ToDecimal(canonical, CultureInfo.InvariantCulture),
            NpgsqlDbType.Real => Convert.ToSingle(canonical, CultureInfo.InvariantCulture),
            NpgsqlDbType.Double => Convert.ToDouble(canonical, CultureInfo.InvariantCulture),
            // Checkpoint text gives back no kind: a timestamptz key binds as UTC, the others as they are.
            NpgsqlDbType.TimestampTz => DateTime.SpecifyKind((DateTime)canonical, DateTimeKind.Utc),
            NpgsqlDbType.Timestamp or NpgsqlDbType.Date => DateTime.SpecifyKind((DateTime)canonical, DateTimeKind.Unspecified),
            _ => canonical,
        };
    }

    /// <summary>Orders two canonical values of this column as both servers order it.</summary>
    public int Compare(object a, object b)
    {
        // The common keys first: both sides' integers of the same width, without a conversion.
        switch (a, b)
        {
            case (long x, long y):
                return x.CompareTo(y);
            case (int x, int y):
                return x.CompareTo(y);
        }

        if (IsText)
        {
            return CompareUtf8(a, b);
        }

        if (Column.Type.StagedAsText)
        {
            return ExactDecimal.Parse((string)a).CompareTo(ExactDecimal.Parse((string)b));
        }

        return (a, b) switch
        {
            (decimal x, _) => x.CompareTo(Convert.ToDecimal(b, CultureInfo.InvariantCulture)),
            (_, decimal y) => Convert.ToDecimal(a, CultureInfo.InvariantCulture).CompareTo(y),
            (ulong x, _) => ((decimal)x).CompareTo(Convert.ToDecimal(b, CultureInfo.InvariantCulture)),
            (_, ulong y) => Convert.ToDecimal(a, CultureInfo.InvariantCulture).CompareTo(y),
            (long or int or short or sbyte or byte or ushort or uint, long or int or short or sbyte or byte or ushort or uint) =>
                Convert.ToInt64(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(b, CultureInfo.InvariantCulture)),
            (double x, double y) => x.CompareTo(y),
            (float x, float y) => x.CompareTo(y),
            (DateTime x, DateTime y) => x.Ticks.CompareTo(y.Ticks),
            (TimeSpan x, TimeSpan y) => x.Ticks.CompareTo(y.Ticks),
            (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
            (BitArray x, BitArray y) => CompareBits(x, y),
            (bool x, bool y) => x.CompareTo(y),
            _ => throw new ArgumentException($"Key column `{Column.Source.Name}`: cannot order a {a.GetType().Name} against a {b.GetType().Name}."),
        };
    }

    /// <summary>Orders text as its UTF-8 bytes: by code point, which UTF-16's ordinal order is not past U+FFFF.</summary>
    internal static int CompareUtf8(object a, object b)
    {
        if (a is string x && b is string y)
        {
            var length = Math.Min(x.Length, y.Length);
            for (var i = 0; i < length; i++)
            {
                var (cx, cy) = (x[i], y[i]);
                if (cx != cy)
                {
                    // A surrogate is part of a code point beyond U+FFFF, above every other UTF-16 unit's.
                    var (sx, sy) = (char.IsSurrogate(cx), char.IsSurrogate(cy));
                    return sx == sy ? cx.CompareTo(cy) : sx ? 1 : -1;
                }
            }

            return x.Length.CompareTo(y.Length);
        }

        return Utf8(a).AsSpan().SequenceCompareTo(Utf8(b));
    }

    private static byte[] Utf8(object value) => value switch
    {
        string s => Encoding.UTF8.GetBytes(s),
        ReadOnlyMemory<byte> m => m.ToArray(),
        byte[] b => b,
        _ => throw new ArgumentException($"A {value.GetType().Name} is not text."),
    };

    private static int CompareBits(BitArray x, BitArray y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return x[i] ? 1 : -1;
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <summary>A bit string (most significant bit first) as the integer MySQL's BIT binds as.</summary>
    private static ulong BitsValue(BitArray bits)
    {
        ulong value = 0;
        for (var i = 0; i < bits.Length; i++)
        {
            value = (value << 1) | (bits[i] ? 1UL : 0UL);
        }

        return value;
    }
}
