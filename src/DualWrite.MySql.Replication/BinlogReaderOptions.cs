namespace DualWrite.MySql.Replication;

/// <summary>How a <see cref="BinlogReader"/> follows the source.</summary>
public sealed class BinlogReaderOptions
{
    /// <summary>
    /// The server id this reader registers with; it must differ from every server and replica in the
    /// topology. Defaults to a random id in 0x40000000..0x7FFFFFFF.
    /// </summary>
    public uint ServerId { get; set; } = (uint)Random.Shared.Next(0x40000000, int.MaxValue);

    /// <summary>How often the source sends a heartbeat when it has nothing else to send (default 5 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Which tables' row changes to deliver (schema, table); null delivers all. DDL is delivered for every table.</summary>
    public Func<string, string, bool>? IncludeTable { get; set; }

    /// <summary>Stop at the end of the binlog instead of waiting for new events (tests, one-shot catch-up).</summary>
    public bool StopAtEnd { get; set; }

    /// <summary>How many times in a row to reconnect after the connection is lost (default 10; 0 = fail at once).</summary>
    public int ReconnectAttempts { get; set; } = 10;

    /// <summary>The longest wait between reconnect attempts (default 5 s; the wait doubles from 250 ms).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where acknowledged positions are persisted; null keeps them in memory only.</summary>
    public IBinlogCheckpointStore? CheckpointStore { get; set; }

    /// <summary>Verify the CRC32 of every event (default true; a mismatch is a typed error, never a skipped event).</summary>
    public bool VerifyChecksums { get; set; } = true;

    /// <summary>Skip the source checks <see cref="BinlogReader.ReadAsync"/> runs before streaming (for accounts that cannot read the grants).</summary>
    public bool SkipStartupChecks { get; set; }
}
