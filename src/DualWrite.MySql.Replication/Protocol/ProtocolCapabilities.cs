namespace DualWrite.MySql.Replication.Protocol;

/// <summary>Capability flags negotiated in the handshake; the upper 32 bits are MariaDB's extensions.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html</remarks>
[Flags]
internal enum ProtocolCapabilities : ulong
{
    None = 0,
    LongPassword = 1,           // also "CLIENT_MYSQL": a MariaDB server clears it to announce extended capabilities
    FoundRows = 2,
    LongFlag = 4,
    ConnectWithDb = 8,
    NoSchema = 0x10,
    Compress = 0x20,
    Odbc = 0x40,
    LocalFiles = 0x80,
    IgnoreSpace = 0x100,
    Protocol41 = 0x200,
    Interactive = 0x400,
    Ssl = 0x800,
    IgnoreSigpipe = 0x1000,
    Transactions = 0x2000,
    Reserved = 0x4000,
    SecureConnection = 0x8000,
    MultiStatements = 0x10000,
    MultiResults = 0x20000,
    PsMultiResults = 0x40000,
    PluginAuth = 0x80000,
    ConnectAttrs = 0x100000,
    PluginAuthLenencClientData = 0x200000,
    CanHandleExpiredPasswords = 0x400000,
    SessionTrack = 0x800000,
    DeprecateEof = 0x1000000,
    OptionalResultsetMetadata = 0x2000000,
    QueryAttributes = 0x8000000,
    SslVerifyServerCert = 0x40000000,
    RememberOptions = 0x80000000,
    MariaDbProgress = 1UL << 32,
    MariaDbStatementBulkOperations = 1UL << 34,
    MariaDbExtendedTypeInfo = 1UL << 35,
    MariaDbCacheMetadata = 1UL << 36,
}
