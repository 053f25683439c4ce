using System.Text;

namespace DualWrite.PostgreSql;

/// <summary>Quoting of generated PostgreSQL identifiers, by <see cref="PostgreSqlDialect"/>'s rules: every name DualWrite puts into PostgreSQL SQL goes through here.</summary>
public static class PgNames
{
    /// <summary>PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and silently drops the rest.</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary><c>"name"</c>, with embedded double quotes doubled, so any name is taken literally and case is kept.</summary>
    public static string Quote(string identifier) => PostgreSqlDialect.Instance.Quote(identifier);

    /// <summary><c>"schema"."name"</c>, or <c>"name"</c> to resolve through the search path.</summary>
    public static string Qualify(string? schema, string name) => PostgreSqlDialect.Instance.Qualify(schema, name);

    /// <summary>How messages name a table: <c>schema.name</c>, or the name alone.</summary>
    public static string Display(string? schema, string name) => PostgreSqlDialect.Instance.Display(schema, name);

    /// <summary>The identifier's length in UTF-8 bytes, which is what PostgreSQL's limit counts.</summary>
    public static int ByteLength(string identifier) => PostgreSqlDialect.Instance.IdentifierLength(identifier);

    /// <summary>Rejects a name the server would not keep as given: blank, longer than <paramref name="maxBytes"/> in UTF-8, or with a NUL.</summary>
    /// <exception cref="ArgumentException">The name is not usable; the message says what the name is for.</exception>
    internal static void RequireIdentifier(string? name, string what, string parameter, int maxBytes) =>
        PostgreSqlDialect.Instance.RequireIdentifier(name, what, parameter, maxBytes);

    /// <summary>FNV-1a over the UTF-8 text, 32 bits: the same number in every process and release (advisory lock classes).</summary>
    public static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return unchecked((int)hash);
    }
}
