namespace DualWrite.MySql.Replication.Events;

/// <summary>PREVIOUS_GTIDS_LOG_EVENT (MySQL): the GTID set executed before this file.</summary>
/// <param name="Header">The common header.</param>
/// <param name="GtidSet">The set in MySQL's text form (<c>uuid:1-5:7,uuid2:1-3</c>).</param>
public sealed record PreviousGtidsEvent(BinlogEventHeader Header, string GtidSet) : BinlogEvent(Header);
