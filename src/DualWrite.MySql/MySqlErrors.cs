using System.Net.Sockets;
using MySqlConnector;

namespace DualWrite.MySql;

/// <summary>How DualWrite reads MySqlConnector's failures.</summary>
public static class MySqlErrors
{
    /// <summary>ER_LOCK_DEADLOCK: the server rolled back the whole transaction.</summary>
    public const int Deadlock = 1213;

    /// <summary>ER_LOCK_WAIT_TIMEOUT.</summary>
    public const int LockWaitTimeout = 1205;

    /// <summary>ER_DUP_ENTRY: a unique key already holds the value.</summary>
    public const int DuplicateEntry = 1062;

    /// <summary>ER_NO_SUCH_TABLE.</summary>
    public const int NoSuchTable = 1146;

    /// <summary>ER_BAD_DB_ERROR: unknown database.</summary>
    public const int UnknownDatabase = 1049;

    /// <summary>ER_BAD_FIELD_ERROR: unknown column.</summary>
    public const int UnknownColumn = 1054;

    /// <summary>ER_DUP_FIELDNAME: a column of that name already exists.</summary>
    public const int DuplicateColumn = 1060;

    /// <summary>
    /// Whether <paramref name="error"/> means the connection broke under the operation (server stopped or restarted,
    /// network dropped, session killed): the server then rolls back an open transaction, and a retry needs a new
    /// connection.
    /// </summary>
    public static bool IsConnectionLost(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case IOException or SocketException or EndOfStreamException:
                    return true;
                // CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB), and
                // MySqlConnector's own code for a connection it could not open or keep.
                case MySqlException { Number: 2006 or 2013 or 1053 or 1927 }:
                case MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the server ended the caller's transaction: a deadlock victim, or a connection that broke.</summary>
    public static bool EndsTransaction(Exception error) =>
        error is MySqlException { Number: Deadlock } || IsConnectionLost(error);
}
