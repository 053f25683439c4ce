using DualWrite.MySql;
using MySqlConnector;

namespace DualWrite.Cli;

/// <summary>
/// Builds the source connection string from environment variables, so that no password is ever
/// typed on a command line or stored in a file.
/// </summary>
public static class SourceConnection
{
    /// <summary>Builds the connection string from DUALWRITE_MYSQL_* variables (defaults match eng/services.sh).</summary>
    public static MySqlConnectionStringBuilder FromEnvironment(string? databaseOverride = null)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = Env("DUALWRITE_MYSQL_HOST", "127.0.0.1"),
            Port = uint.Parse(Env("DUALWRITE_MYSQL_PORT", "33306"), System.Globalization.CultureInfo.InvariantCulture),
            UserID = Env("DUALWRITE_MYSQL_USER", "dualwrite"),
            Password = Env("DUALWRITE_MYSQL_PASSWORD", ""),
            Database = databaseOverride ?? Env("DUALWRITE_MYSQL_DATABASE", ""),
            ApplicationName = "dualwrite-cli",
        };
        var ca = Environment.GetEnvironmentVariable("DUALWRITE_MYSQL_TLS_CA");
        if (!string.IsNullOrEmpty(ca) && File.Exists(ca))
        {
            builder.SslMode = MySqlSslMode.VerifyCA;
            builder.SslCa = ca;
        }

        return builder;
    }

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
