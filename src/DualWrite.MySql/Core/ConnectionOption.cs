using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Core;

/// <summary>The value type of a connection string key.</summary>
internal enum ConnectionOptionKind
{
    Text,
    Secret,
    UInt32,
    Boolean,
    SslMode,
}

/// <summary>
/// One supported connection string key: its canonical name, synonyms, default and value rules.
/// Values are validated and stored in one canonical text form so that equal settings compare equal.
/// </summary>
internal sealed class ConnectionOption
{
    private ConnectionOption(string name, ConnectionOptionKind kind, object defaultValue, string[] synonyms, uint minimum = 0, uint maximum = uint.MaxValue)
    {
        Name = name;
        Kind = kind;
        DefaultValue = defaultValue;
        Synonyms = synonyms;
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>The key written when the connection string is rebuilt.</summary>
    public string Name { get; }

    public ConnectionOptionKind Kind { get; }

    /// <summary>The typed value used when the key is absent.</summary>
    public object DefaultValue { get; }

    public IReadOnlyList<string> Synonyms { get; }

    public uint Minimum { get; }

    public uint Maximum { get; }

    // Seconds are capped so that every timeout fits the int-millisecond limit of CancelAfter and Task.Delay.
    internal const uint MaxTimeoutSeconds = int.MaxValue / 1000;

    public static readonly ConnectionOption Server = new("Server", ConnectionOptionKind.Text, "localhost", ["Host", "Data Source", "Address"]);
    public static readonly ConnectionOption Port = new("Port", ConnectionOptionKind.UInt32, 3306u, [], 1, ushort.MaxValue);
    public static readonly ConnectionOption UserId = new("User ID", ConnectionOptionKind.Text, "", ["Uid", "User", "Username"]);
    public static readonly ConnectionOption Password = new("Password", ConnectionOptionKind.Secret, "", ["Pwd"]);
    public static readonly ConnectionOption Database = new("Database", ConnectionOptionKind.Text, "", ["Initial Catalog"]);
    public static readonly ConnectionOption SslMode = new("SSL Mode", ConnectionOptionKind.SslMode, MySqlSslMode.Preferred, []);
    public static readonly ConnectionOption SslCa = new("SSL CA", ConnectionOptionKind.Text, "", ["CA Certificate File"]);
    public static readonly ConnectionOption ServerRsaPublicKeyFile = new("Server RSA Public Key File", ConnectionOptionKind.Text, "", []);
    public static readonly ConnectionOption AllowPublicKeyRetrieval = new("Allow Public Key Retrieval", ConnectionOptionKind.Boolean, false, []);
    public static readonly ConnectionOption ConnectionTimeout = new("Connection Timeout", ConnectionOptionKind.UInt32, 15u, ["Connect Timeout"], 0, MaxTimeoutSeconds);
    public static readonly ConnectionOption DefaultCommandTimeout = new("Default Command Timeout", ConnectionOptionKind.UInt32, 30u, ["Command Timeout"], 0, MaxTimeoutSeconds);
    public static readonly ConnectionOption Pooling = new("Pooling", ConnectionOptionKind.Boolean, true, []);
    public static readonly ConnectionOption MinimumPoolSize = new("Minimum Pool Size", ConnectionOptionKind.UInt32, 0u, ["Min Pool Size"], 0, int.MaxValue);
    public static readonly ConnectionOption MaximumPoolSize = new("Maximum Pool Size", ConnectionOptionKind.UInt32, 100u, ["Max Pool Size"], 1, int.MaxValue);
    public static readonly ConnectionOption ConnectionIdleTimeout = new("Connection Idle Timeout", ConnectionOptionKind.UInt32, 180u, [], 0, MaxTimeoutSeconds);
    public static readonly ConnectionOption ConnectionReset = new("Connection Reset", ConnectionOptionKind.Boolean, true, []);
    public static readonly ConnectionOption ApplicationName = new("Application Name", ConnectionOptionKind.Text, "", []);

    /// <summary>Every option, in the order the normalised connection string lists them.</summary>
    public static readonly IReadOnlyList<ConnectionOption> All =
    [
        Server, Port, UserId, Password, Database, SslMode, SslCa, ServerRsaPublicKeyFile, AllowPublicKeyRetrieval,
        ConnectionTimeout, DefaultCommandTimeout, Pooling, MinimumPoolSize, MaximumPoolSize, ConnectionIdleTimeout,
        ConnectionReset, ApplicationName,
    ];

    private static readonly Dictionary<string, ConnectionOption> ByKey = BuildLookup();

    private static readonly string SupportedKeysText = string.Join(", ", All.Select(o =>
        o.Synonyms.Count == 0 ? o.Name : o.Name + " (" + string.Join(", ", o.Synonyms) + ")"));

    /// <summary>Finds the option for a key; case, spaces, underscores and hyphens do not matter.</summary>
    public static bool TryFind(string keyword, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConnectionOption? option) =>
        ByKey.TryGetValue(NormalizeKey(keyword), out option);

    /// <summary>Finds the option for a key or throws the unknown-key error.</summary>
    public static ConnectionOption Find(string keyword) =>
        TryFind(keyword, out var option) ? option : throw UnknownKey(keyword);

    public static ArgumentException UnknownKey(string keyword) =>
        new(string.Format(CultureInfo.InvariantCulture,
            "Unknown connection string key '{0}'. Supported keys (synonyms in parentheses): {1}.", keyword, SupportedKeysText));

    /// <summary>
    /// Validates a value for this option and returns its canonical text form.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not valid; the message names the key, never the value.</exception>
    public string Normalize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        switch (Kind)
        {
            case ConnectionOptionKind.Text or ConnectionOptionKind.Secret:
                // Kept exactly as given: the parser already trims unquoted values, and quoted spaces are deliberate.
                return text;
            case ConnectionOptionKind.UInt32:
                if (!uint.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint number)
                    || number < Minimum || number > Maximum)
                {
                    throw InvalidValue(string.Format(CultureInfo.InvariantCulture, "expected a whole number from {0} to {1}", Minimum, Maximum));
                }

                return number.ToString(CultureInfo.InvariantCulture);
            case ConnectionOptionKind.Boolean:
                return ParseBoolean(text) ? "true" : "false";
            case ConnectionOptionKind.SslMode:
                return (value is MySqlSslMode mode ? CheckSslMode(mode) : ParseSslMode(text)).ToString();
            default:
                throw new InvalidOperationException("Unhandled option kind.");
        }
    }

    /// <summary>Converts a canonical text form (from <see cref="Normalize"/>) to the typed value.</summary>
    public object ToTyped(string canonical) => Kind switch
    {
        ConnectionOptionKind.UInt32 => uint.Parse(canonical, NumberStyles.None, CultureInfo.InvariantCulture),
        ConnectionOptionKind.Boolean => canonical == "true",
        ConnectionOptionKind.SslMode => ParseSslMode(canonical),
        _ => canonical,
    };

    /// <summary>The canonical text form of the default value.</summary>
    public string DefaultText => Normalize(DefaultValue);

    private bool ParseBoolean(string text)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRUE" or "YES" or "ON" or "1":
                return true;
            case "FALSE" or "NO" or "OFF" or "0":
                return false;
            default:
                throw InvalidValue("expected true or false (also accepted: yes/no, on/off, 1/0)");
        }
    }

    private MySqlSslMode ParseSslMode(string text) => NormalizeKey(text) switch
    {
        "none" or "disabled" => MySqlSslMode.None,
        "preferred" => MySqlSslMode.Preferred,
        "required" => MySqlSslMode.Required,
        "verifyca" => MySqlSslMode.VerifyCA,
        "verifyfull" or "verifyidentity" => MySqlSslMode.VerifyFull,
        _ => throw InvalidSslMode(),
    };

    private MySqlSslMode CheckSslMode(MySqlSslMode mode) => mode switch
    {
        MySqlSslMode.None or MySqlSslMode.Preferred or MySqlSslMode.Required or MySqlSslMode.VerifyCA or MySqlSslMode.VerifyFull => mode,
        _ => throw InvalidSslMode(),
    };

    private ArgumentException InvalidSslMode() =>
        InvalidValue("expected one of None, Preferred, Required, VerifyCA, VerifyFull (MySQL's Disabled and VerifyIdentity are also accepted)");

    // The value itself is never echoed: a mistyped connection string can put part of a password into any key.
    internal ArgumentException InvalidValue(string reason) =>
        new(string.Format(CultureInfo.InvariantCulture, "Invalid value for connection string key '{0}': {1}.", Name, reason));

    private static string NormalizeKey(string keyword)
    {
        var sb = new StringBuilder(keyword.Length);
        foreach (char c in keyword)
        {
            if (c is not (' ' or '_' or '-'))
                sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    private static Dictionary<string, ConnectionOption> BuildLookup()
    {
        var lookup = new Dictionary<string, ConnectionOption>(StringComparer.Ordinal);
        foreach (var option in All)
        {
            // Add throws on a clash, so two options can never share a spelling.
            lookup.Add(NormalizeKey(option.Name), option);
            foreach (var synonym in option.Synonyms)
                lookup.Add(NormalizeKey(synonym), option);
        }

        return lookup;
    }
}
