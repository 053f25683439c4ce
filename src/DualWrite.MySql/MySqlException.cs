using System.Data.Common;
using DualWrite.MySql.Protocol;

namespace DualWrite.MySql;

/// <summary>
/// The one exception type the client throws for server errors and client-side failures. Server
/// errors carry the server's error number and SQLSTATE; client failures carry the number the
/// MySQL C client uses for the same condition (2000-2999) where one exists.
/// </summary>
public sealed class MySqlException : DbException
{
    /// <summary>Creates an exception.</summary>
    public MySqlException(MySqlErrorKind kind, int number, string? sqlState, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Number = number;
        SqlState = sqlState;
    }

    /// <summary>What kind of failure this is.</summary>
    public MySqlErrorKind Kind { get; }

    /// <summary>The server's error number (for example 1045 or 1146), or a client error number (2000-2999).</summary>
    public int Number { get; }

    /// <inheritdoc />
    public override int ErrorCode => Number;

    /// <summary>The five-character SQLSTATE the server sent, when it sent one.</summary>
    public override string? SqlState { get; }

    /// <summary>True when retrying the operation on a new connection may succeed.</summary>
    public override bool IsTransient => Kind is MySqlErrorKind.ConnectionLost or MySqlErrorKind.ConnectionFailed
        or MySqlErrorKind.PoolExhausted || Number is 1205 or 1213;

    internal static MySqlException Protocol(string message, Exception? inner = null) =>
        new(MySqlErrorKind.Protocol, ClientErrors.MalformedPacket, null, message, inner);

    internal static MySqlException BinlogCorrupt(string message, Exception? inner = null) =>
        new(MySqlErrorKind.BinlogCorrupt, ClientErrors.BinlogCorrupt, null, message, inner);

    internal static MySqlException BinlogUnsupported(string message) =>
        new(MySqlErrorKind.BinlogUnsupported, ClientErrors.BinlogUnsupported, null, message);

    internal static MySqlException InvalidValue(string message, Exception? inner = null) =>
        new(MySqlErrorKind.InvalidValue, ClientErrors.InvalidValue, null, message, inner);
}
