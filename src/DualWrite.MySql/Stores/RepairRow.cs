namespace DualWrite.MySql.Stores;

/// <summary>A repair entry as the log's columns hold it.</summary>
internal sealed record RepairRow(string Id, string Entity, string Key, string Target, long Version, string Reason, DateTime FailedAt);
