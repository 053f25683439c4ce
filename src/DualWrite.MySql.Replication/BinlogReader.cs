using System.Runtime.CompilerServices;
using DualWrite.MySql.Replication.Session;
using MySqlConnector;
using Polly;
using Polly.Retry;

namespace DualWrite.MySql.Replication;

/// <summary>
/// Follows a MySQL/MariaDB binlog as a replica and delivers committed transactions. The reader tracks
/// what it delivered (<see cref="ReceivedPosition"/>); the consumer reports what it applied with
/// <see cref="AcknowledgeAsync"/>, and only that is checkpointed. After a restart from the checkpoint
/// every change after it is delivered again at least once, with positions that identify duplicates. The positions
/// may be read, and <see cref="AcknowledgeAsync"/> called, from another thread than the one reading (one
/// acknowledgement at a time).
/// </summary>
/// <remarks>
/// The replication stream is this library's own protocol code; the start-up checks and position queries run on
/// MySqlConnector, from the same connection string or the application's own <see cref="MySqlDataSource"/>.
/// </remarks>
public sealed partial class BinlogReader
{
    private readonly ReplicationSettings _settings;
    private readonly BinlogReaderOptions _options;
    private readonly Func<CancellationToken, ValueTask<MySqlConnection>> _openQueryConnection;
    private readonly Lock _positions = new();
    private BinlogPosition? _received;
    private BinlogPosition? _acknowledged;
    private BinlogStream? _stream;
    private DateTimeOffset? _lastEventTime;
    private BinlogPosition? _sourceHead;

    /// <summary>Creates a reader for the source a MySqlConnector connection string names (its account needs REPLICATION SLAVE and REPLICATION CLIENT).</summary>
    /// <exception cref="ArgumentException">The connection string is not valid.</exception>
    public BinlogReader(string connectionString, BinlogReaderOptions? options = null)
    {
        _settings = ReplicationSettings.Parse(connectionString);
        _options = options ?? new BinlogReaderOptions();
        _openQueryConnection = async cancellationToken =>
        {
            var connection = new MySqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        };
    }

    /// <summary>Creates a reader over the application's data source: its start-up queries use that pool, and the replication connection the same settings.</summary>
    public BinlogReader(MySqlDataSource dataSource, BinlogReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _settings = ReplicationSettings.Parse(dataSource.ConnectionString);
        _options = options ?? new BinlogReaderOptions();
        _openQueryConnection = dataSource.OpenConnectionAsync;
    }

    /// <summary>The position after the last transaction delivered to the consumer.</summary>
    public BinlogPosition? ReceivedPosition
    {
        get
        {
            lock (_positions)
            {
                return _received;
            }
        }

        private set
        {
            lock (_positions)
            {
                _received = value;
            }
        }
    }

    /// <summary>The position after the last transaction the consumer acknowledged as applied.</summary>
    public BinlogPosition? AcknowledgedPosition
    {
        get
        {
            lock (_positions)
            {
                return _acknowledged;
            }
        }

        private set
        {
            lock (_positions)
            {
                _acknowledged = value;
            }
        }
    }

    /// <summary>The source time of the latest event or heartbeat received, for measuring lag.</summary>
    public DateTimeOffset? LastEventTime => _stream?.LastEventTime ?? _lastEventTime;

    /// <summary>How far the source's binlog reaches, from received events and heartbeats: the reader is caught up when it has delivered up to here.</summary>
    public BinlogPosition? SourceHead => _stream?.SourceHead ?? _sourceHead;

    /// <summary>How many times the reader reconnected after losing its connection.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Records that everything up to <paramref name="position"/> is applied, and saves it to the checkpoint store.</summary>
    public async ValueTask AcknowledgeAsync(BinlogPosition position, CancellationToken cancellationToken = default)
    {
        BinlogPosition? acknowledged, delivered;
        lock (_positions)
        {
            (acknowledged, delivered) = (_acknowledged, _received);
        }

        if (acknowledged is { } previous && position < previous)
        {
            throw new ArgumentException($"Acknowledged positions must not go backwards: {position} is before {previous}.", nameof(position));
        }

        if (delivered is not { } received || position > received)
        {
            throw new ArgumentException(
                $"Cannot acknowledge {position}: the reader has delivered {(delivered is { } r ? "only up to " + r : "nothing yet")}.", nameof(position));
        }

        if (_options.CheckpointStore is { } store)
        {
            await store.SaveAsync(position, cancellationToken).ConfigureAwait(false);
        }

        AcknowledgedPosition = position;
    }

    /// <summary>The checkpoint to resume from, if the store has one.</summary>
    public Task<BinlogPosition?> LoadCheckpointAsync(CancellationToken cancellationToken = default) =>
        _options.CheckpointStore?.LoadAsync(cancellationToken) ?? Task.FromResult<BinlogPosition?>(null);

    /// <summary>
    /// Checks the source (<see cref="CheckSourceAsync"/>, <see cref="EnsureAvailableAsync"/>), then delivers the
    /// transactions committed after <paramref name="from"/>: a file and offset, or (MariaDB) an empty file name
    /// and a GTID state. Reconnects (from the last
    /// delivered transaction) when the connection drops, up to <see cref="BinlogReaderOptions.ReconnectAttempts"/>
    /// times in a row; ends only when cancelled, or at the end of the binlog with <see cref="BinlogReaderOptions.StopAtEnd"/>.
    /// </summary>
    public async IAsyncEnumerable<BinlogTransaction> ReadAsync(BinlogPosition from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var resume = from;
        if (!_options.SkipStartupChecks)
        {
            // Fail loudly before streaming: wrong binlog settings or privileges, or a purged start position.
            await CheckSourceAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(from.File))
            {
                await EnsureAvailableAsync(from, cancellationToken).ConfigureAwait(false);
            }
        }

        var reconnecting = ReconnectPipeline();
        try
        {
            while (true)
            {
                // Each delivered transaction is a new execution, so the attempts count failures in a row.
                var next = await reconnecting.ExecuteAsync(
                    static async (state, token) =>
                    {
                        var (reader, position) = state;
                        reader._stream ??= await BinlogStream.OpenAsync(reader._settings, reader._options, position, token).ConfigureAwait(false);
                        return await reader._stream.NextAsync(token).ConfigureAwait(false);
                    },
                    (this, resume),
                    cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    yield break;
                }

                resume = next.Position;
                ReceivedPosition = resume;
                yield return next;
            }
        }
        finally
        {
            await CloseStreamAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reconnects on a lost or failed connection with exponential backoff from 250 ms, capped at <see cref="BinlogReaderOptions.MaxReconnectDelay"/>.</summary>
    private ResiliencePipeline ReconnectPipeline()
    {
        if (_options.ReconnectAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BinlogException>(ex => ex.Kind is BinlogErrorKind.ConnectionLost or BinlogErrorKind.ConnectionFailed),
                MaxRetryAttempts = _options.ReconnectAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = _options.MaxReconnectDelay,
                UseJitter = false,
                OnRetry = async _ =>
                {
                    Reconnects++;
                    await CloseStreamAsync().ConfigureAwait(false);
                },
            })
            .Build();
    }

    private async ValueTask CloseStreamAsync()
    {
        if (_stream is { } stream)
        {
            // Keep what the connection learnt about the source after it closes.
            _lastEventTime = stream.LastEventTime ?? _lastEventTime;
            _sourceHead = stream.SourceHead ?? _sourceHead;
            _stream = null;
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
