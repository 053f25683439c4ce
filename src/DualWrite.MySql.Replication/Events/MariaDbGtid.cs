using System.Globalization;

namespace DualWrite.MySql.Replication.Events;

/// <summary>A MariaDB GTID: domain, server and sequence number, written <c>domain-server-sequence</c>.</summary>
/// <param name="DomainId">The replication domain.</param>
/// <param name="ServerId">The server that originated the transaction.</param>
/// <param name="Sequence">The sequence number within the domain.</param>
public readonly record struct MariaDbGtid(uint DomainId, uint ServerId, ulong Sequence)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DomainId}-{ServerId}-{Sequence}");
}
