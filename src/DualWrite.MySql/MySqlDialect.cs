using DualWrite.Core.Relational;

namespace DualWrite.MySql;

/// <summary>
/// MySQL's and MariaDB's identifier rules: backtick quotes, at most 64 characters (table, column and trigger names),
/// no trailing space, column names equal regardless of case, and a leading-column bound beside every row-value key
/// comparison (MariaDB plans a row comparison alone as a scan from the index's start).
/// </summary>
public sealed class MySqlDialect : SqlDialect
{
    /// <summary>The longest table, column or trigger name the server accepts, in characters.</summary>
    public const int MaxIdentifierCharacters = 64;

    private MySqlDialect()
        : base('`', MaxIdentifierCharacters, StringComparer.OrdinalIgnoreCase, "database")
    {
    }

    /// <summary>The rules.</summary>
    public static MySqlDialect Instance { get; } = new();

    /// <inheritdoc />
    public override bool BoundsLeadingKeyColumn => true;

    /// <inheritdoc />
    public override int IdentifierLength(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier.Length;
    }

    /// <inheritdoc />
    /// <remarks>The server rejects a name that ends in a space.</remarks>
    protected override bool BreaksOtherRules(string name) => name.EndsWith(' ');

    /// <inheritdoc />
    protected override string DescribeRules(int maxLength) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at most {maxLength} characters, no trailing space, no NUL");
}
