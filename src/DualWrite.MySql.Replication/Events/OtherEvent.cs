namespace DualWrite.MySql.Replication.Events;

/// <summary>An event that carries no row data and needs no decoding here (statement-format helpers, ignorable events, ...).</summary>
/// <param name="Header">The common header.</param>
public sealed record OtherEvent(BinlogEventHeader Header) : BinlogEvent(Header);
