using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Protocol.Payloads;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Session;

/// <summary>
/// One replication connection: registers as a replica, asks for the binlog from a position, and turns
/// the event stream into committed transactions.
/// </summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication.html and
/// https://mariadb.com/kb/en/replication-protocol/</remarks>
internal sealed class BinlogStream : IAsyncDisposable, ITransactionContext
{
    private const ushort DumpNonBlock = 1;
    private const ushort DumpThroughGtid = 4;

    private readonly ReplicationSession _session;
    private readonly BinlogReaderOptions _options;
    private readonly BinlogEventDecoder _decoder;
    private readonly SortedDictionary<uint, MariaDbGtid> _gtidState = [];
    private MySqlGtidSet? _mySqlGtids;
    private string _file;
    private bool _ended;

    private BinlogStream(ReplicationSession session, BinlogReaderOptions options, BinlogPosition start)
    {
        _session = session;
        _options = options;
        _decoder = new BinlogEventDecoder { VerifyChecksums = options.VerifyChecksums };
        _file = start.File;
        foreach (var gtid in ParseGtidState(start.GtidState))
        {
            _gtidState[gtid.DomainId] = gtid;
        }
    }

    /// <summary>The source's latest event time seen (event headers and heartbeats), for lag.</summary>
    public DateTimeOffset? LastEventTime { get; private set; }

    /// <summary>How far the source's binlog reaches, as far as received events and heartbeats (which come when it is idle) tell.</summary>
    public BinlogPosition? SourceHead { get; private set; }

    public static async Task<BinlogStream> OpenAsync(ReplicationSettings settings, BinlogReaderOptions options, BinlogPosition start, CancellationToken cancellationToken)
    {
        var session = new ReplicationSession(settings);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var stream = new BinlogStream(session, options, start);
            await stream.StartAsync(start, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(BinlogPosition start, CancellationToken cancellationToken)
    {
        var heartbeatNanos = (long)_options.HeartbeatInterval.TotalMilliseconds * 1_000_000L;
        var useGtid = !string.IsNullOrEmpty(start.GtidState) && string.IsNullOrEmpty(start.File);
        if (!_session.IsMariaDb)
        {
            // MySQL positions carry the executed GTID set; MariaDB ones a per-domain GTID state.
            _gtidState.Clear();
            _mySqlGtids = MySqlGtidSet.Parse(start.GtidState ?? "");
        }
        var setup = new StringBuilder()
            // Ask for checksummed events so that every one can be verified.
            .Append("SET @master_binlog_checksum = @@global.binlog_checksum, ")
            .Append(CultureInfo.InvariantCulture, $"@master_heartbeat_period = {heartbeatNanos}");
        if (_session.IsMariaDb)
        {
            // MARIA_SLAVE_CAPABILITY_MINE: GTID events, annotate rows, checkpoints.
            setup.Append(", @mariadb_slave_capability = 4");
            if (useGtid)
            {
                setup.Append(", @slave_connect_state = ").Append(QuoteString(start.GtidState!))
                    .Append(", @slave_gtid_strict_mode = 0, @slave_gtid_ignore_duplicates = 0");
            }
        }

        await _session.ExecuteAsync(setup.ToString(), cancellationToken).ConfigureAwait(false);

        // COM_REGISTER_SLAVE: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_register_slave.html
        var register = _session.BeginCommand(CommandCodes.RegisterSlave);
        register.WriteUInt32(_options.ServerId);
        register.WriteByte(0); // host
        register.WriteByte(0); // user
        register.WriteByte(0); // password
        register.WriteUInt16(0); // port
        register.WriteUInt32(0); // replication rank
        register.WriteUInt32(0); // source id
        await _session.SendCommandAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _session.ReadOkAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BinlogException ex) when (ex.Number is 1227 or 1045)
        {
            // An account without REPLICATION SLAVE is refused here, before the dump: a source setting, not bad credentials.
            throw new BinlogException(BinlogErrorKind.SourceMisconfigured, ex.Number, ex.SqlState,
                $"Registering as a replica was refused ({ex.Message}): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the reader's account.", ex);
        }

        if (useGtid && !_session.IsMariaDb)
        {
            // COM_BINLOG_DUMP_GTID: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump_gtid.html
            var gtids = _mySqlGtids!.Encode();
            var dumpGtid = _session.BeginCommand(CommandCodes.BinlogDumpGtid);
            dumpGtid.WriteUInt16((ushort)((_options.StopAtEnd ? DumpNonBlock : 0) | DumpThroughGtid));
            dumpGtid.WriteUInt32(_options.ServerId);
            dumpGtid.WriteUInt32(0); // no file name
            dumpGtid.WriteUInt32((uint)BinlogPosition.FileStart);
            dumpGtid.WriteUInt32(0); // high half of the 8-byte position
            dumpGtid.WriteUInt32((uint)gtids.Length);
            dumpGtid.Write(gtids);
        }
        else
        {
            // COM_BINLOG_DUMP: https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_binlog_dump.html
            var dump = _session.BeginCommand(CommandCodes.BinlogDump);
            dump.WriteUInt32(useGtid ? (uint)BinlogPosition.FileStart : checked((uint)start.Offset));
            dump.WriteUInt16(_options.StopAtEnd ? DumpNonBlock : (ushort)0);
            dump.WriteUInt32(_options.ServerId);
            if (!useGtid)
            {
                dump.WriteUtf8(start.File);
            }
        }

        await _session.SendStreamingCommandAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next committed transaction or DDL statement; null at the end of the binlog (StopAtEnd only).</summary>
    public async ValueTask<BinlogTransaction?> NextAsync(CancellationToken cancellationToken)
    {
        var assembler = new TransactionAssembler(this);
        while (!_ended)
        {
            // Buffered events complete without waiting on the socket, which is where a token would be noticed.
            cancellationToken.ThrowIfCancellationRequested();
            var payload = await _session.ReadStreamPacketAsync(cancellationToken).ConfigureAwait(false);
            var span = payload.Span;
            if (span.Length == 0)
            {
                throw BinlogException.Protocol("Empty packet in the binlog stream.");
            }

            switch (span[0])
            {
                case OkPayload.Header:
                    var transaction = Process(_decoder.Decode(span[1..]), assembler);
                    if (transaction is not null)
                    {
                        return transaction;
                    }

                    break;
                case ErrorPayload.Header:
                    throw TranslateDumpError(ErrorPayload.Parse(span));
                case OkPayload.EofHeader when span.Length < 9:
                    _ended = true;
                    break;
                default:
                    throw BinlogException.Protocol($"Unexpected packet 0x{span[0]:X2} in the binlog stream.");
            }
        }

        return null;
    }

    private BinlogTransaction? Process(BinlogEvent binlogEvent, TransactionAssembler assembler)
    {
        var header = binlogEvent.Header;
        if (header.Timestamp != 0 && !header.IsArtificial)
        {
            LastEventTime = DateTimeOffset.FromUnixTimeSeconds(header.Timestamp);
        }

        if (header.NextPosition != 0 && binlogEvent is not (RotateEvent or HeartbeatEvent))
        {
            SourceHead = new BinlogPosition(_file, header.NextPosition);
        }

        switch (binlogEvent)
        {
            case RotateEvent rotate:
                assembler.EndOfFile();
                _file = rotate.NextFile;
                _decoder.ClearTableMaps();
                return null;
            case HeartbeatEvent heartbeat:
                SourceHead = new BinlogPosition(heartbeat.LogFile.Length > 0 ? heartbeat.LogFile : _file, heartbeat.Position);
                return null;
            case MariaDbGtidListEvent list when assembler.IsEmpty:
                foreach (var gtid in list.Gtids)
                {
                    _gtidState.TryAdd(gtid.DomainId, gtid);
                }

                return null;
            case TransactionPayloadEvent payload:
                BinlogTransaction? result = null;
                foreach (var inner in payload.Events)
                {
                    result ??= assembler.Accept(inner, header.NextPosition);
                }

                return result;
            case IncidentEvent incident:
                throw new BinlogException(BinlogErrorKind.BinlogCorrupt, ClientErrors.BinlogCorrupt, null,
                    $"The source logged incident {incident.IncidentNumber} at {_file}:{header.NextPosition} ({incident.Message}): changes may be missing, re-snapshot needed.");
            default:
                return assembler.Accept(binlogEvent, header.NextPosition);
        }
    }

    private string? GtidStateText => _mySqlGtids is { } mysql
        ? (mysql.ToString() is { Length: > 0 } text ? text : null)
        : _gtidState.Count == 0 ? null : string.Join(",", _gtidState.Values);

    private BinlogPosition PositionAt(uint nextPosition) => new(_file, nextPosition, GtidStateText);

    private BinlogException TranslateDumpError(ErrorPayload error)
    {
        // ER_MASTER_FATAL_ERROR_READING_BINLOG: the requested file or GTID is gone (purged) or invalid.
        if (error.Number == 1236)
        {
            return new BinlogException(BinlogErrorKind.BinlogPurged, error.Number, error.SqlState,
                $"The source cannot serve the binlog from {_file} ({error.Message}). The position was probably purged: a re-snapshot is needed.");
        }

        // ER_SPECIFIC_ACCESS_DENIED_ERROR / ER_ACCESS_DENIED_ERROR on COM_BINLOG_DUMP.
        if (error.Number is 1227 or 1045)
        {
            return new BinlogException(BinlogErrorKind.SourceMisconfigured, error.Number, error.SqlState,
                $"Reading the binlog was refused ({error.Message}): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the reader's account.");
        }

        return error.ToException();
    }

    private static string QuoteString(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static IEnumerable<MariaDbGtid> ParseGtidState(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            yield break;
        }

        foreach (var part in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('-');
            if (pieces.Length != 3
                || !uint.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
                || !uint.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
                || !ulong.TryParse(pieces[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new ArgumentException($"'{part}' is not a MariaDB GTID (domain-server-sequence).", nameof(state));
            }

            yield return new MariaDbGtid(domain, server, sequence);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The dump never ends by itself; closing the socket is the only way out.
        _session.MarkBroken();
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Collects the events of one transaction until its commit.</summary>

    IDictionary<uint, MariaDbGtid> ITransactionContext.MariaDbGtidState => _gtidState;

    MySqlGtidSet? ITransactionContext.MySqlGtids => _mySqlGtids;

    bool ITransactionContext.Includes(string schema, string table) => _options.IncludeTable is not { } include || include(schema, table);

    void ITransactionContext.TableMapsInvalidated() => _decoder.ClearTableMaps();

    BinlogPosition ITransactionContext.PositionAt(uint nextPosition) => PositionAt(nextPosition);
}
