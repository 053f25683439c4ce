using MySqlConnector;

namespace DualWrite.MySql.Replication.Session;

/// <summary>
/// What the replication connection needs from a MySqlConnector connection string: the reader speaks the same
/// vocabulary as the application's own driver (<see cref="MySqlConnectionStringBuilder"/>), so one string serves both.
/// </summary>
internal sealed class ReplicationSettings
{
    private ReplicationSettings(MySqlConnectionStringBuilder builder)
    {
        // A replica reads from one server: the first host of a multi-host string, as MySqlConnector tries first.
        Server = builder.Server.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : "localhost";
        Port = (int)builder.Port;
        UserId = builder.UserID;
        Password = builder.Password;
        SslMode = builder.SslMode;
        SslCa = NullIfEmpty(builder.SslCa);
        ServerRsaPublicKeyFile = NullIfEmpty(builder.ServerRsaPublicKeyFile);
        AllowPublicKeyRetrieval = builder.AllowPublicKeyRetrieval;
        ConnectionTimeout = builder.ConnectionTimeout == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(builder.ConnectionTimeout);
        ApplicationName = NullIfEmpty(builder.ApplicationName);
    }

    public string Server { get; }

    public int Port { get; }

    public string UserId { get; }

    public string Password { get; }

    public MySqlSslMode SslMode { get; }

    /// <summary>Path of the PEM CA bundle, or null to use the system trust store.</summary>
    public string? SslCa { get; }

    /// <summary>Path of the server's RSA public key PEM, or null when not configured.</summary>
    public string? ServerRsaPublicKeyFile { get; }

    public bool AllowPublicKeyRetrieval { get; }

    /// <summary>Time allowed to connect, negotiate TLS and authenticate; infinite when configured as 0.</summary>
    public TimeSpan ConnectionTimeout { get; }

    /// <summary>The client program name to report, or null for none.</summary>
    public string? ApplicationName { get; }

    /// <summary>The host and port, for messages (never the credentials).</summary>
    public string Endpoint => $"{Server}:{Port}";

    /// <summary>Reads the settings of a MySqlConnector connection string.</summary>
    /// <exception cref="ArgumentException">The string is not a valid MySqlConnector connection string, or names a client certificate, which the replication connection does not present.</exception>
    public static ReplicationSettings Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.SslCert) || !string.IsNullOrEmpty(builder.CertificateFile))
        {
            throw new ArgumentException("The binlog reader does not present client certificates (SslCert/CertificateFile); authenticate the replication account with a password.", nameof(connectionString));
        }

        return new ReplicationSettings(builder);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
