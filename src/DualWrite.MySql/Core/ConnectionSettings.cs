using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Core;

/// <summary>
/// The immutable, validated settings a connection uses, parsed once from a connection string.
/// Timeouts of 0 seconds in the connection string mean "no limit" and appear here as
/// <see cref="Timeout.InfiniteTimeSpan"/>.
/// </summary>
internal sealed class ConnectionSettings
{
    private ConnectionSettings(MySqlConnectionStringBuilder builder)
    {
        Server = builder.Server;
        Port = (int)builder.Port;
        UserId = builder.UserID;
        Password = builder.Password;
        Database = NullIfEmpty(builder.Database);
        SslMode = builder.SslMode;
        SslCa = NullIfEmpty(builder.SslCa);
        ServerRsaPublicKeyFile = NullIfEmpty(builder.ServerRsaPublicKeyFile);
        AllowPublicKeyRetrieval = builder.AllowPublicKeyRetrieval;
        ConnectionTimeoutSeconds = (int)builder.ConnectionTimeout;
        ConnectionTimeout = Seconds(builder.ConnectionTimeout);
        DefaultCommandTimeoutSeconds = (int)builder.DefaultCommandTimeout;
        DefaultCommandTimeout = Seconds(builder.DefaultCommandTimeout);
        Pooling = builder.Pooling;
        MinimumPoolSize = (int)builder.MinimumPoolSize;
        MaximumPoolSize = (int)builder.MaximumPoolSize;
        ConnectionIdleTimeout = Seconds(builder.ConnectionIdleTimeout);
        ConnectionReset = builder.ConnectionReset;
        ApplicationName = NullIfEmpty(builder.ApplicationName);

        var poolKey = new StringBuilder();
        var redacted = new StringBuilder();
        foreach (var (option, text) in builder.EffectiveValues())
        {
            DbConnectionStringBuilderAppend(poolKey, option.Name, text);
            DbConnectionStringBuilderAppend(redacted, option.Name, option.Kind == ConnectionOptionKind.Secret ? "***" : text);
        }

        ConnectionStringForPoolKey = poolKey.ToString();
        _redacted = redacted.ToString();
    }

    private readonly string _redacted;

    public string Server { get; }

    public int Port { get; }

    public string UserId { get; }

    public string Password { get; }

    /// <summary>The initial schema, or null for none.</summary>
    public string? Database { get; }

    public MySqlSslMode SslMode { get; }

    /// <summary>Path of the PEM CA bundle, or null to use the system trust store.</summary>
    public string? SslCa { get; }

    /// <summary>Path of the server's RSA public key PEM, or null when not configured.</summary>
    public string? ServerRsaPublicKeyFile { get; }

    public bool AllowPublicKeyRetrieval { get; }

    /// <summary>Time allowed to open a connection (pool wait included); infinite when configured as 0.</summary>
    public TimeSpan ConnectionTimeout { get; }

    /// <summary>The configured connect timeout in seconds (0 = no limit), as DbConnection.ConnectionTimeout reports it.</summary>
    public int ConnectionTimeoutSeconds { get; }

    /// <summary>Default time a command may run; infinite when configured as 0.</summary>
    public TimeSpan DefaultCommandTimeout { get; }

    /// <summary>The configured command timeout in seconds (0 = no limit), the default for DbCommand.CommandTimeout.</summary>
    public int DefaultCommandTimeoutSeconds { get; }

    public bool Pooling { get; }

    public int MinimumPoolSize { get; }

    public int MaximumPoolSize { get; }

    /// <summary>How long an idle pooled connection is kept; infinite when configured as 0.</summary>
    public TimeSpan ConnectionIdleTimeout { get; }

    /// <summary>Whether session state is reset when a connection returns to the pool.</summary>
    public bool ConnectionReset { get; }

    /// <summary>The client program name to report, or null for none.</summary>
    public string? ApplicationName { get; }

    /// <summary>
    /// Every setting, defaults included, in a fixed order and spelling, so that equivalent connection
    /// strings share one pool. Contains the password: use only as a dictionary key, never log it.
    /// </summary>
    public string ConnectionStringForPoolKey { get; }

    /// <summary>Parses and validates a connection string.</summary>
    /// <exception cref="ArgumentException">A key is unknown, a value is invalid, or values contradict each other.</exception>
    public static ConnectionSettings Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return FromBuilder(new MySqlConnectionStringBuilder(connectionString));
    }

    /// <summary>Validates the builder's current values and captures them.</summary>
    /// <exception cref="ArgumentException">Values contradict each other or a required value is missing.</exception>
    public static ConnectionSettings FromBuilder(MySqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Single values were checked when set; only rules spanning keys, or emptiness, remain.
        if (string.IsNullOrWhiteSpace(builder.Server))
            throw ConnectionOption.Server.InvalidValue("a host name or IP address is required");
        if (builder.MinimumPoolSize > builder.MaximumPoolSize)
        {
            throw ConnectionOption.MinimumPoolSize.InvalidValue(string.Format(CultureInfo.InvariantCulture,
                "{0} is larger than '{1}' ({2})", builder.MinimumPoolSize, ConnectionOption.MaximumPoolSize.Name, builder.MaximumPoolSize));
        }

        return new ConnectionSettings(builder);
    }

    /// <summary>The settings as a connection string with the password replaced by <c>***</c>; safe to log.</summary>
    public override string ToString() => _redacted;

    private static TimeSpan Seconds(uint seconds) =>
        seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static void DbConnectionStringBuilderAppend(StringBuilder sb, string keyword, string value) =>
        System.Data.Common.DbConnectionStringBuilder.AppendKeyValuePair(sb, keyword, value);
}
