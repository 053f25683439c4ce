namespace DualWrite.Backfill.Engine;

/// <summary>Identifier quoting for the statements the engine generates.</summary>
internal static class Sql
{
    /// <summary>A MySQL identifier in backticks, embedded backticks doubled.</summary>
    public static string My(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>A PostgreSQL identifier in double quotes, embedded quotes doubled.</summary>
    public static string Pg(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A qualified PostgreSQL name.</summary>
    public static string Pg(string schema, string name) => Pg(schema) + "." + Pg(name);

    /// <summary>A PostgreSQL string literal.</summary>
    public static string PgLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
