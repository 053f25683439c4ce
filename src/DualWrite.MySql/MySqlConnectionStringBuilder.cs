using System.ComponentModel;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using DualWrite.MySql.Core;

namespace DualWrite.MySql;

/// <summary>
/// Builds and parses connection strings for the MySQL/MariaDB client. Keys are matched without regard
/// to case, spaces, underscores or hyphens, and common synonyms are accepted (for example <c>Host</c> for
/// <c>Server</c>, <c>Uid</c> for <c>User ID</c>). Unknown keys and invalid values throw
/// <see cref="ArgumentException"/> as soon as they are set.
/// </summary>
/// <remarks>
/// <see cref="DbConnectionStringBuilder.ConnectionString"/> contains the password, because connections
/// need it; <see cref="ToString"/> replaces it with <c>***</c> and is the form to log.
/// </remarks>
public sealed class MySqlConnectionStringBuilder : DbConnectionStringBuilder
{
    private const string RedactedPassword = "***";

    /// <summary>Creates an empty builder; every property has its default value.</summary>
    public MySqlConnectionStringBuilder()
    {
    }

    /// <summary>Creates a builder from a connection string.</summary>
    /// <exception cref="ArgumentException">A key is unknown or a value is invalid.</exception>
    public MySqlConnectionStringBuilder(string connectionString)
    {
        ConnectionString = connectionString;
    }

    /// <summary>Host name or IP address of the server (synonyms: Host, Data Source, Address). Default: localhost.</summary>
    [AllowNull]
    public string Server
    {
        get => (string)GetValue(ConnectionOption.Server);
        set => SetValue(ConnectionOption.Server, value);
    }

    /// <summary>TCP port of the server, 1 to 65535. Default: 3306.</summary>
    public uint Port
    {
        get => (uint)GetValue(ConnectionOption.Port);
        set => SetValue(ConnectionOption.Port, value);
    }

    /// <summary>The user to log in as (synonyms: User Id, Uid, User, Username). Default: empty.</summary>
    [AllowNull]
    public string UserID
    {
        get => (string)GetValue(ConnectionOption.UserId);
        set => SetValue(ConnectionOption.UserId, value);
    }

    /// <summary>The user's password (synonym: Pwd). Default: empty. Never shown by <see cref="ToString"/>.</summary>
    [AllowNull]
    [PasswordPropertyText(true)]
    public string Password
    {
        get => (string)GetValue(ConnectionOption.Password);
        set => SetValue(ConnectionOption.Password, value);
    }

    /// <summary>The default schema of the session (synonym: Initial Catalog). Default: empty, meaning none.</summary>
    [AllowNull]
    public string Database
    {
        get => (string)GetValue(ConnectionOption.Database);
        set => SetValue(ConnectionOption.Database, value);
    }

    /// <summary>Whether TLS is used and how the server certificate is checked. Default: <see cref="MySqlSslMode.Preferred"/>.</summary>
    public MySqlSslMode SslMode
    {
        get => (MySqlSslMode)GetValue(ConnectionOption.SslMode);
        set => SetValue(ConnectionOption.SslMode, value);
    }

    /// <summary>
    /// Path to a PEM bundle of CA certificates that the server certificate must chain to under
    /// <see cref="MySqlSslMode.VerifyCA"/> and <see cref="MySqlSslMode.VerifyFull"/> (synonyms: Ssl-Ca,
    /// CA Certificate File). Default: empty, meaning the system trust store.
    /// </summary>
    [AllowNull]
    public string SslCa
    {
        get => (string)GetValue(ConnectionOption.SslCa);
        set => SetValue(ConnectionOption.SslCa, value);
    }

    /// <summary>
    /// Path to the server's RSA public key (PEM), used to encrypt the password for caching_sha2_password
    /// and sha256_password when the connection is not TLS. Default: empty.
    /// </summary>
    [AllowNull]
    public string ServerRsaPublicKeyFile
    {
        get => (string)GetValue(ConnectionOption.ServerRsaPublicKeyFile);
        set => SetValue(ConnectionOption.ServerRsaPublicKeyFile, value);
    }

    /// <summary>
    /// Whether the client may ask the server for its RSA public key when none is configured. A
    /// man-in-the-middle could substitute its own key, so this is off by default.
    /// </summary>
    public bool AllowPublicKeyRetrieval
    {
        get => (bool)GetValue(ConnectionOption.AllowPublicKeyRetrieval);
        set => SetValue(ConnectionOption.AllowPublicKeyRetrieval, value);
    }

    /// <summary>Seconds to wait for a connection to open, including the pool wait (synonym: Connect Timeout); 0 waits indefinitely. Default: 15.</summary>
    public uint ConnectionTimeout
    {
        get => (uint)GetValue(ConnectionOption.ConnectionTimeout);
        set => SetValue(ConnectionOption.ConnectionTimeout, value);
    }

    /// <summary>Seconds a command may run before it is cancelled (synonym: Command Timeout); 0 means no limit. Default: 30.</summary>
    public uint DefaultCommandTimeout
    {
        get => (uint)GetValue(ConnectionOption.DefaultCommandTimeout);
        set => SetValue(ConnectionOption.DefaultCommandTimeout, value);
    }

    /// <summary>Whether closed connections return to a pool for reuse. Default: true.</summary>
    public bool Pooling
    {
        get => (bool)GetValue(ConnectionOption.Pooling);
        set => SetValue(ConnectionOption.Pooling, value);
    }

    /// <summary>Connections the pool keeps open even when idle (synonym: Min Pool Size). Default: 0.</summary>
    public uint MinimumPoolSize
    {
        get => (uint)GetValue(ConnectionOption.MinimumPoolSize);
        set => SetValue(ConnectionOption.MinimumPoolSize, value);
    }

    /// <summary>Most connections the pool opens at once, at least 1 (synonym: Max Pool Size). Default: 100.</summary>
    public uint MaximumPoolSize
    {
        get => (uint)GetValue(ConnectionOption.MaximumPoolSize);
        set => SetValue(ConnectionOption.MaximumPoolSize, value);
    }

    /// <summary>Seconds an idle pooled connection is kept before it is closed; 0 keeps it indefinitely. Default: 180.</summary>
    public uint ConnectionIdleTimeout
    {
        get => (uint)GetValue(ConnectionOption.ConnectionIdleTimeout);
        set => SetValue(ConnectionOption.ConnectionIdleTimeout, value);
    }

    /// <summary>Whether session state is reset when a connection returns to the pool. Default: true.</summary>
    public bool ConnectionReset
    {
        get => (bool)GetValue(ConnectionOption.ConnectionReset);
        set => SetValue(ConnectionOption.ConnectionReset, value);
    }

    /// <summary>Name reported to the server as the client program. Default: empty.</summary>
    [AllowNull]
    public string ApplicationName
    {
        get => (string)GetValue(ConnectionOption.ApplicationName);
        set => SetValue(ConnectionOption.ApplicationName, value);
    }

    /// <summary>Gets or sets a value by key or synonym; a known key that is not set returns its default.</summary>
    /// <exception cref="ArgumentException">The key is unknown, or the value is invalid for it.</exception>
    [AllowNull]
    public override object this[string keyword]
    {
        get => GetValue(ConnectionOption.Find(keyword));
        set => SetValue(ConnectionOption.Find(keyword), value);
    }

    /// <summary>True when the key (or one of its synonyms) has been set.</summary>
    public override bool ContainsKey(string keyword) =>
        ConnectionOption.TryFind(keyword, out var option) && base.ContainsKey(option.Name);

    /// <summary>Removes the key (given by any of its synonyms), restoring its default.</summary>
    /// <exception cref="ArgumentException">The key is unknown.</exception>
    /// <remarks>
    /// Unknown keys throw rather than return false because parsing a connection string removes keys
    /// written with an empty value, and a misspelt "Key=" must not pass silently.
    /// </remarks>
    public override bool Remove(string keyword) => base.Remove(ConnectionOption.Find(keyword).Name);

    /// <summary>True when the key has been set and so appears in the connection string.</summary>
    public override bool ShouldSerialize(string keyword) =>
        ConnectionOption.TryFind(keyword, out var option) && base.ShouldSerialize(option.Name);

    /// <summary>Gets the value of a known key (its default when not set); false for unknown keys.</summary>
    public override bool TryGetValue(string keyword, [NotNullWhen(true)] out object? value)
    {
        if (!ConnectionOption.TryFind(keyword, out var option))
        {
            value = null;
            return false;
        }

        value = GetValue(option);
        return true;
    }

    /// <summary>The connection string with the password replaced by <c>***</c>; safe to log.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (string keyword in Keys)
        {
            var value = string.Equals(keyword, ConnectionOption.Password.Name, StringComparison.Ordinal)
                ? RedactedPassword
                : (string)base[keyword];
            AppendKeyValuePair(sb, keyword, value);
        }

        return sb.ToString();
    }

    /// <summary>The canonical text of every option, defaults included, in a fixed order.</summary>
    internal IEnumerable<(ConnectionOption Option, string Text)> EffectiveValues() =>
        ConnectionOption.All.Select(option =>
            (option, base.TryGetValue(option.Name, out var stored) ? (string)stored : option.DefaultText));

    private object GetValue(ConnectionOption option) =>
        base.TryGetValue(option.Name, out var stored) ? option.ToTyped((string)stored) : option.DefaultValue;

    private void SetValue(ConnectionOption option, object? value)
    {
        if (value is null)
            base.Remove(option.Name);
        else
            base[option.Name] = option.Normalize(value);
    }
}
