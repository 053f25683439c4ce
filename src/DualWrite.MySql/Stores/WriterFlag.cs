namespace DualWrite.MySql.Stores;

/// <summary>
/// The session variable <c>@dualwrite_writer</c> that tells the triggers a statement is the store's own. It is
/// spelled inside MySQL executable comments (<c>/*! … */</c>): the server runs their contents, while MySqlConnector,
/// which reads an <c>@name</c> in SQL as a parameter unless a connection allows user variables, skips comments. So
/// the store works on the application's own data source whatever its <c>AllowUserVariables</c> setting.
/// </summary>
internal static class WriterFlag
{
    /// <summary>The variable's name.</summary>
    public const string Name = "@dualwrite_writer";

    /// <summary>The variable as an expression.</summary>
    public const string Value = "/*!" + Name + "*/";

    /// <summary>Marks the session's following statements as the store's.</summary>
    public const string Set = "SET " + Value + " = 1";

    /// <summary>Clears the mark; no rollback resets a session variable.</summary>
    public const string Clear = "SET " + Value + " = NULL";
}
