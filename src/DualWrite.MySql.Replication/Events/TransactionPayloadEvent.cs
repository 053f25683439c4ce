namespace DualWrite.MySql.Replication.Events;

/// <summary>TRANSACTION_PAYLOAD_EVENT (MySQL 8.0.20+): a whole transaction, compressed; holds its decoded events.</summary>
/// <param name="Header">The common header.</param>
/// <param name="Events">The events inside, decompressed and decoded, in order.</param>
public sealed record TransactionPayloadEvent(BinlogEventHeader Header, IReadOnlyList<BinlogEvent> Events) : BinlogEvent(Header);
