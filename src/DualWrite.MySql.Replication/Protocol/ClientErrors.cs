namespace DualWrite.MySql.Replication.Protocol;

/// <summary>Client error numbers, aligned with the MySQL C client's errmsg.h where one exists.</summary>
internal static class ClientErrors
{
    public const int ConnectionFailed = 2003;        // CR_CONN_HOST_ERROR
    public const int ServerGone = 2006;              // CR_SERVER_GONE_ERROR
    public const int ServerLost = 2013;              // CR_SERVER_LOST
    public const int MalformedPacket = 2027;         // CR_MALFORMED_PACKET
    public const int SslConnectionError = 2026;      // CR_SSL_CONNECTION_ERROR
    public const int AuthPluginCannotLoad = 2059;    // CR_AUTH_PLUGIN_CANNOT_LOAD
    public const int AuthPluginError = 2061;         // CR_AUTH_PLUGIN_ERR
    public const int BinlogCorrupt = 2096;           // no C client equivalent
    public const int BinlogUnsupported = 2095;       // no C client equivalent
    public const int BinlogPurged = 1236;            // ER_MASTER_FATAL_ERROR_READING_BINLOG, as the server reports it
    public const int SourceMisconfigured = 2094;     // no C client equivalent
}
