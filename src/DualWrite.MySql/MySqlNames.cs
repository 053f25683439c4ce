namespace DualWrite.MySql;

/// <summary>Quoting of generated MySQL identifiers, by <see cref="MySqlDialect"/>'s rules: every name DualWrite puts into MySQL SQL goes through here.</summary>
public static class MySqlNames
{
    /// <summary>The identifier in backticks, embedded backticks doubled: <c>`a``b`</c>.</summary>
    public static string Quote(string identifier) => MySqlDialect.Instance.Quote(identifier);

    /// <summary><c>`database`.`name`</c>, or <c>`name`</c> for the connection's default database.</summary>
    public static string Qualify(string? database, string name) => MySqlDialect.Instance.Qualify(database, name);

    /// <summary>How messages name a table: <c>database.name</c>, or the name alone.</summary>
    public static string Display(string? database, string name) => MySqlDialect.Instance.Display(database, name);

    /// <summary>The identifiers quoted and comma-separated.</summary>
    public static string List(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));
}
