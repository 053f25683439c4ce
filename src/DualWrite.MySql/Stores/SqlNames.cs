namespace DualWrite.MySql.Stores;

/// <summary>Quoting of generated identifiers: every name the stores put into SQL goes through here.</summary>
internal static class SqlNames
{
    public static string Quote(string identifier) => MySqlConnection.QuoteIdentifier(identifier);

    /// <summary><c>`database`.`name`</c>, or <c>`name`</c> for the connection's default database.</summary>
    public static string Qualify(string? database, string name) =>
        database is null ? Quote(name) : Quote(database) + "." + Quote(name);

    /// <summary>How messages name a table: <c>database.name</c>, or the name alone.</summary>
    public static string Display(string? database, string name) => database is null ? name : database + "." + name;

    public static string List(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));
}
