using DualWrite.MySql.Replication.Protocol;

namespace DualWrite.MySql.Replication;

/// <summary>
/// The one exception type of the binlog stream and its start-up checks. Server errors carry the server's error number
/// and SQLSTATE; client failures carry the number the MySQL C client uses for the same condition (2000-2999) where
/// one exists. A failure of a start-up query (run on MySqlConnector) is wrapped, with MySqlConnector's exception inside.
/// </summary>
public sealed class BinlogException : Exception
{
    /// <summary>Creates an exception.</summary>
    public BinlogException(BinlogErrorKind kind, int number, string? sqlState, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Number = number;
        SqlState = sqlState;
    }

    /// <summary>What kind of failure this is.</summary>
    public BinlogErrorKind Kind { get; }

    /// <summary>The server's error number (for example 1045 or 1236), or a client error number (2000-2999).</summary>
    public int Number { get; }

    /// <summary>The five-character SQLSTATE the server sent, when it sent one.</summary>
    public string? SqlState { get; }

    /// <summary>True when reading again on a new connection may succeed.</summary>
    public bool IsTransient => Kind is BinlogErrorKind.ConnectionLost or BinlogErrorKind.ConnectionFailed;

    internal static BinlogException Protocol(string message, Exception? inner = null) =>
        new(BinlogErrorKind.Protocol, ClientErrors.MalformedPacket, null, message, inner);

    internal static BinlogException BinlogCorrupt(string message, Exception? inner = null) =>
        new(BinlogErrorKind.BinlogCorrupt, ClientErrors.BinlogCorrupt, null, message, inner);

    internal static BinlogException BinlogUnsupported(string message) =>
        new(BinlogErrorKind.BinlogUnsupported, ClientErrors.BinlogUnsupported, null, message);
}
