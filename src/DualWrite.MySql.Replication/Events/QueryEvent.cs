namespace DualWrite.MySql.Replication.Events;

/// <summary>QUERY_EVENT: a statement, in row format BEGIN, COMMIT, ROLLBACK, XA or DDL.</summary>
/// <param name="Header">The common header.</param>
/// <param name="ThreadId">The session that ran it.</param>
/// <param name="ExecutionSeconds">How long it ran.</param>
/// <param name="ErrorCode">The error it ended with (0 normally).</param>
/// <param name="Schema">The default database when it ran.</param>
/// <param name="Sql">The statement text.</param>
public sealed record QueryEvent(BinlogEventHeader Header, uint ThreadId, uint ExecutionSeconds, ushort ErrorCode, string Schema, string Sql)
    : BinlogEvent(Header);
