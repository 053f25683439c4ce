namespace DualWrite.Core.Relational;

/// <summary>
/// The identifier rules of one SQL server family, as the SQL store adapters generate SQL for it: how a name is quoted
/// (the quote character, doubled inside the name), how long a name may be and how that length is counted, whether the
/// server tells column names apart by case, and what else makes a name unusable. Every identifier an adapter puts into
/// SQL goes through <see cref="Quote"/>.
/// </summary>
public abstract class SqlDialect
{
    private readonly string _quote;
    private readonly string _doubledQuote;

    /// <summary>Creates the rules.</summary>
    /// <param name="quote">The identifier quote character (<c>`</c>, <c>"</c>).</param>
    /// <param name="maxIdentifierLength">The longest name the server keeps as given, counted by <see cref="IdentifierLength"/>.</param>
    /// <param name="columnNameComparer">Whether two quoted column names of one table are the same column to the server.</param>
    /// <param name="containerKind">What the server calls the namespace a table lives in (<c>database</c>, <c>schema</c>), for messages.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIdentifierLength"/> is not positive.</exception>
    protected SqlDialect(char quote, int maxIdentifierLength, StringComparer columnNameComparer, string containerKind)
    {
        ArgumentNullException.ThrowIfNull(columnNameComparer);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerKind);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIdentifierLength);
        _quote = quote.ToString();
        _doubledQuote = _quote + _quote;
        MaxIdentifierLength = maxIdentifierLength;
        ColumnNameComparer = columnNameComparer;
        ContainerKind = containerKind;
    }

    /// <summary>The longest name the server keeps as given, in the unit <see cref="IdentifierLength"/> counts.</summary>
    public int MaxIdentifierLength { get; }

    /// <summary>Equal under this comparer means one column to the server.</summary>
    public StringComparer ColumnNameComparer { get; }

    /// <summary>What the server calls the namespace a table lives in, for messages.</summary>
    public string ContainerKind { get; }

    /// <summary>
    /// Whether a key-range condition on a composite key must also bound the leading key column on its own, because the
    /// server does not turn a row-value comparison into an index range (MariaDB).
    /// </summary>
    public virtual bool BoundsLeadingKeyColumn => false;

    /// <summary>The identifier in quotes, embedded quote characters doubled, so the server takes it literally.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="identifier"/> is null.</exception>
    public string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return _quote + identifier.Replace(_quote, _doubledQuote, StringComparison.Ordinal) + _quote;
    }

    /// <summary><c>container.name</c> quoted, or the name alone when <paramref name="container"/> is null (the connection's default).</summary>
    public string Qualify(string? container, string name) =>
        container is null ? Quote(name) : Quote(container) + "." + Quote(name);

    /// <summary>How messages name a table: <c>container.name</c>, or the name alone.</summary>
    public string Display(string? container, string name) => container is null ? name : container + "." + name;

    /// <summary>A name's length as the server's limit counts it.</summary>
    public abstract int IdentifierLength(string identifier);

    /// <summary>
    /// Rejects a name the server would not keep as given: blank, longer than <paramref name="maxLength"/>, holding a
    /// NUL, or breaking another of the dialect's rules (<see cref="BreaksOtherRules"/>).
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="what">What the name is for, as the message says it (<c>table</c>, <c>key column</c>).</param>
    /// <param name="parameter">The caller's parameter, named by the exception.</param>
    /// <param name="maxLength">The limit for this name: <see cref="MaxIdentifierLength"/>, or less when a derived name must fit too.</param>
    /// <exception cref="ArgumentException">The name is not usable; the message says what the name is for and the rules.</exception>
    public void RequireIdentifier(string? name, string what, string parameter, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"The {what} name is blank.", parameter);
        }

        // A longer name would be cut short or refused by the server; catching it here names the culprit.
        if (IdentifierLength(name) > maxLength || name.Contains('\0', StringComparison.Ordinal) || BreaksOtherRules(name))
        {
            throw new ArgumentException($"The {what} name '{name}' is not usable: {DescribeRules(maxLength)}.", parameter);
        }
    }

    /// <summary>Whether <paramref name="name"/> breaks a rule beyond length and NUL; none by default.</summary>
    protected virtual bool BreaksOtherRules(string name) => false;

    /// <summary>The rules a usable name follows, for messages: <c>at most 64 characters, no NUL</c>.</summary>
    protected abstract string DescribeRules(int maxLength);
}
