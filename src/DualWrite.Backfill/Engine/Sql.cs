using DualWrite.MySql;

namespace DualWrite.Backfill.Engine;

/// <summary>PostgreSQL identifier quoting for the statements the engine generates (MySQL's is <see cref="DualWrite.MySql.MySqlNames"/>).</summary>
internal static class Sql
{
    /// <summary>A PostgreSQL identifier in double quotes, embedded quotes doubled.</summary>
    public static string Pg(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A qualified PostgreSQL name.</summary>
    public static string Pg(string schema, string name) => Pg(schema) + "." + Pg(name);

    /// <summary>A PostgreSQL string literal.</summary>
    public static string PgLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
