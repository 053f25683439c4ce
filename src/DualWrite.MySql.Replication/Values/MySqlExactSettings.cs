using MySqlConnector;

namespace DualWrite.MySql.Values;

/// <summary>
/// The MySqlConnector connection settings under which every value reads exactly (<see cref="MySqlColumnReader"/>):
/// TINYINT(1) as a number, not bool; CHAR(36) and BINARY(16) as text and bytes, not Guid; zero and partial dates as
/// they are, not an exception or <see cref="DateTime.MinValue"/>; DATETIME with no time zone attached.
/// </summary>
/// <remarks>The source readers (snapshot, comparison) connect with them; an application's own data source keeps its settings.</remarks>
public static class MySqlExactSettings
{
    /// <summary>Sets the exact settings on <paramref name="builder"/> and returns it.</summary>
    public static MySqlConnectionStringBuilder Apply(MySqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.TreatTinyAsBoolean = false;
        builder.GuidFormat = MySqlGuidFormat.None;
        builder.AllowZeroDateTime = true;
        builder.ConvertZeroDateTime = false;
        builder.DateTimeKind = MySqlDateTimeKind.Unspecified;
        return builder;
    }

    /// <summary>The connection string with the exact settings applied.</summary>
    public static string Apply(string connectionString) => Apply(new MySqlConnectionStringBuilder(connectionString)).ConnectionString;

    /// <summary>What in <paramref name="connectionString"/> would change values, or null when nothing does.</summary>
    public static string? Problem(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var problems = new List<string>();
        if (builder.TreatTinyAsBoolean)
        {
            problems.Add("TreatTinyAsBoolean=false");
        }

        if (builder.GuidFormat != MySqlGuidFormat.None)
        {
            problems.Add("GuidFormat=None");
        }

        if (!builder.AllowZeroDateTime || builder.ConvertZeroDateTime)
        {
            problems.Add("AllowZeroDateTime=true and ConvertZeroDateTime=false");
        }

        if (builder.DateTimeKind != MySqlDateTimeKind.Unspecified)
        {
            problems.Add("DateTimeKind=Unspecified");
        }

        return problems.Count == 0 ? null : "the connection needs " + string.Join(", ", problems) + " to read values exactly";
    }
}
