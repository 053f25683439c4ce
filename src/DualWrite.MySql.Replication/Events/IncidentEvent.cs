namespace DualWrite.MySql.Replication.Events;

/// <summary>INCIDENT_EVENT: the source lost changes it could not log; a replica must not continue silently.</summary>
/// <param name="Header">The common header.</param>
/// <param name="IncidentNumber">The incident type.</param>
/// <param name="Message">The source's description.</param>
public sealed record IncidentEvent(BinlogEventHeader Header, ushort IncidentNumber, string Message) : BinlogEvent(Header);
