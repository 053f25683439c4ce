namespace DualWrite.MySql.Replication;

/// <summary>Persists the last acknowledged binlog position, so a restarted reader resumes exactly after it.</summary>
public interface IBinlogCheckpointStore
{
    /// <summary>The last saved position, or null when none was saved.</summary>
    Task<BinlogPosition?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Saves a position durably (it must survive a crash right after this returns).</summary>
    Task SaveAsync(BinlogPosition position, CancellationToken cancellationToken);
}
