namespace DualWrite.PostgreSql.Stores;

/// <summary>A repair entry as the log's columns hold it, checked and encoded before anything is sent.</summary>
internal sealed record RepairRow(Guid Id, string Entity, string Key, string Target, long Version, string Reason, DateTime FailedAt);
