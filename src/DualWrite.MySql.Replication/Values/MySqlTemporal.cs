using MySqlConnector;

namespace DualWrite.MySql.Values;

/// <summary>
/// The one rule for DATE, DATETIME and TIMESTAMP values: a <see cref="DateTime"/> when it can hold the value, else
/// MySqlConnector's <see cref="MySqlDateTime"/> with the parts exactly as stored (zero dates, a zero month or day,
/// year 0, or a day past the month's end under ALLOW_INVALID_DATES).
/// </summary>
public static class MySqlTemporal
{
    /// <summary>Whether <see cref="DateTime"/> can hold the date: year 1-9999, month 1-12, a day the month has.</summary>
    public static bool IsRepresentable(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    /// <summary>The value of the given parts for a column of <paramref name="kind"/> (TIMESTAMP in UTC, the others Unspecified).</summary>
    public static object Value(int year, int month, int day, int hour, int minute, int second, int microsecond, MySqlValueKind kind)
    {
        if (!IsRepresentable(year, month, day))
        {
            return new MySqlDateTime(year, month, day, hour, minute, second, microsecond);
        }

        var value = new DateTime(year, month, day, hour, minute, second, KindOf(kind)).AddTicks(microsecond * TimeSpan.TicksPerMicrosecond);
        return value;
    }

    /// <summary>The canonical value of what MySqlConnector read with <c>AllowZeroDateTime=true</c>.</summary>
    public static object Value(MySqlDateTime value, MySqlValueKind kind) =>
        Value(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, value.Microsecond, kind);

    private static DateTimeKind KindOf(MySqlValueKind kind) => kind == MySqlValueKind.Timestamp ? DateTimeKind.Utc : DateTimeKind.Unspecified;
}
