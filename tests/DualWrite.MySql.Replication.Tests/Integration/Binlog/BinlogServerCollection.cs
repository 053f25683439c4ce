namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>
/// Tests that change the shared server's global state (a restart, global settings, accounts, purged binlogs): they run
/// alone, after the tests that run in parallel, so no other test of this project sees the change.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BinlogServerCollection
{
    public const string Name = "Binlog server state";
}
