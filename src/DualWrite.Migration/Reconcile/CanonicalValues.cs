using System.Collections;
using System.Globalization;
using System.Text;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Schema;
using NpgsqlTypes;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// The one normaliser per target column type, applied to both sides' values: to the value the copy writes (the source
/// value after <c>ColumnSpec.Convert</c>) and to the value Npgsql reads back from the target column, so the two are
/// the same canonical value (<see cref="DualWrite.Core.Reconciliation.CanonicalEncoding"/>) exactly when the target
/// holds what the copy wrote. Only representations change: what PostgreSQL keeps as a different value stays different.
/// </summary>
internal static class CanonicalValues
{
    /// <summary>The normaliser of non-null values of <paramref name="type"/>.</summary>
    public static Func<object, object> For(TargetColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.StagedAsText)
        {
            // numeric beyond decimal: the exact text, compared by value (1.50 = 1.5).
            return value => CanonicalNumber.Normalize(Text(value));
        }

        return type.DbType switch
        {
            NpgsqlDbType.Interval => Interval,
            NpgsqlDbType.Bit => Bits,
            NpgsqlDbType.Jsonb => value => Json(Text(value)),
            NpgsqlDbType.TimestampTz => Instant,
            NpgsqlDbType.Date => Date,
            _ => Same,
        };
    }

    private static object Same(object value) => value;

    /// <summary>TIME travels as an interval of microseconds; Npgsql reads it back as a <see cref="TimeSpan"/> (or an interval, months as 30 days).</summary>
    private static object Interval(object value) => value switch
    {
        NpgsqlInterval i => new TimeSpan(((i.Months * 30L) + i.Days) * TimeSpan.TicksPerDay + (i.Time * TimeSpan.TicksPerMicrosecond)),
        _ => value,
    };

    /// <summary>Npgsql reads a <c>bit(1)</c> as a bool, every other width as a <see cref="BitArray"/>.</summary>
    private static object Bits(object value) => value is bool flag ? new BitArray(1, flag) : value;

    /// <summary>An instant, as a UTC <see cref="DateTime"/>.</summary>
    private static object Instant(object value) => value switch
    {
        DateTimeOffset d => d.UtcDateTime,
        DateTime { Kind: DateTimeKind.Local } d => d.ToUniversalTime(),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        _ => value,
    };

    private static object Date(object value) => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : value;

    private static string Text(object value) => value switch
    {
        string s => s,
        ReadOnlyMemory<byte> m => Encoding.UTF8.GetString(m.Span),
        byte[] b => Encoding.UTF8.GetString(b),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    /// <summary>A JSON document's canonical text (<see cref="CanonicalJson"/>); text that is not JSON stays as it is, and differs from every document.</summary>
    internal static string Json(string text) => CanonicalJson.TryNormalize(text, out var canonical) ? canonical : text;
}
