namespace DualWrite.MySql.Replication;

/// <summary>What went wrong with the binlog stream, in terms a caller can act on.</summary>
public enum BinlogErrorKind
{
    /// <summary>The server rejected a statement or command (its number and SQLSTATE are on the exception).</summary>
    Server,
    /// <summary>The server refused the credentials, or no supported authentication method was offered.</summary>
    Authentication,
    /// <summary>No connection could be established (refused, unreachable, DNS, connect timeout).</summary>
    ConnectionFailed,
    /// <summary>An established connection broke (server stopped, network dropped) while in use.</summary>
    ConnectionLost,
    /// <summary>The server sent bytes that do not follow the protocol.</summary>
    Protocol,
    /// <summary>TLS was required but could not be negotiated, or the server certificate did not validate.</summary>
    Tls,
    /// <summary>A binlog event failed its CRC32 check or does not decode: the stream cannot be trusted past it.</summary>
    BinlogCorrupt,
    /// <summary>A binlog event or column type this reader cannot decode (never skipped when it may carry rows).</summary>
    BinlogUnsupported,
    /// <summary>The binlog position to resume from is no longer on the server: the table must be re-snapshotted.</summary>
    BinlogPurged,
    /// <summary>The source server's settings or privileges do not allow change data capture; the message says what to set.</summary>
    SourceMisconfigured,
}
