using System.Globalization;
using System.Text;
using DualWrite.Core.Relational;

namespace DualWrite.PostgreSql;

/// <summary>
/// PostgreSQL's identifier rules: double quotes (so case is kept and any name is taken literally), at most 63 bytes
/// of UTF-8 (the server silently cuts longer names short, and so would address another object), quoted column names
/// equal only when spelled alike.
/// </summary>
public sealed class PostgreSqlDialect : SqlDialect
{
    private PostgreSqlDialect()
        : base('"', PgNames.MaxIdentifierBytes, StringComparer.Ordinal, "schema")
    {
    }

    /// <summary>The rules.</summary>
    public static PostgreSqlDialect Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>In UTF-8 bytes, which is what PostgreSQL's limit counts.</remarks>
    public override int IdentifierLength(string identifier) => Encoding.UTF8.GetByteCount(identifier);

    /// <inheritdoc />
    protected override string DescribeRules(int maxLength) =>
        string.Create(CultureInfo.InvariantCulture, $"at most {maxLength} bytes in UTF-8, no NUL");
}
