using DualWrite.MySql.Protocol;
using DualWrite.MySql.Protocol.Payloads;
using DualWrite.MySql.Protocol.Serialization;

namespace DualWrite.MySql.Core;

internal sealed partial class ServerSession
{
    /// <summary>True while the current command still has result packets on the wire.</summary>
    public bool HasPendingResults { get; private set; }

    /// <summary>True while rows of the current result set are still to be read.</summary>
    public bool InRows { get; private set; }

    /// <summary>The current row's payload; valid until the next read.</summary>
    public ReadOnlyMemory<byte> CurrentRow { get; private set; }

    /// <summary>Starts a command: clears the send buffer and writes the command byte.</summary>
    public PayloadWriter BeginCommand(byte command)
    {
        if (HasPendingResults)
        {
            throw new InvalidOperationException("This connection is still reading a result; close the data reader first.");
        }

        _writer.Clear();
        _writer.WriteByte(command);
        return _writer;
    }

    /// <summary>Sends the command begun with <see cref="BeginCommand"/>.</summary>
    public async ValueTask SendCommandAsync(CancellationToken cancellationToken)
    {
        Transport.ResetSequence();
        HasPendingResults = true;
        try
        {
            await Transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MySqlException or OperationCanceledException)
        {
            HasPendingResults = false;
            MarkBroken();
            throw Translate(ex);
        }
        finally
        {
            if (_writer.Length > 1024 * 1024)
            {
                // Do not keep a buffer sized for one huge statement.
                _writer.Clear();
            }
        }
    }

    /// <summary>Reads the next result's header: an OK packet, or a column count and its column definitions.</summary>
    public async ValueTask<ResultHeader> ReadResultHeaderAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload;
        try
        {
            ActiveScope?.RestartTimer();
            payload = await Transport.ReadPayloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            HasPendingResults = false;
            throw Translate(ex);
        }

        var first = payload.Span[0];
        if (first == OkPayload.Header)
        {
            var ok = OkPayload.Parse(payload.Span);
            Status = ok.Status;
            HasPendingResults = (ok.Status & ServerStatus.MoreResultsExist) != 0;
            return ResultHeader.ForOk(ok.AffectedRows, ok.LastInsertId);
        }

        if (first == ErrorPayload.Header)
        {
            HasPendingResults = false;
            throw Translate(ErrorPayload.Parse(payload.Span).ToException());
        }

        if (first == 0xFB)
        {
            MarkBroken();
            HasPendingResults = false;
            throw MySqlException.Protocol("The server asked to upload a local file (LOAD DATA LOCAL INFILE), which this client does not allow.");
        }

        var count = ReadColumnCount(payload.Span);
        var extended = (_capabilities & ProtocolCapabilities.MariaDbExtendedTypeInfo) != 0;
        var columns = new ColumnDefinition[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var definition = await Transport.ReadPayloadAsync(CancellationToken.None).ConfigureAwait(false);
                columns[i] = ColumnDefinitionPayload.Parse(definition.Span, extended);
            }

            if (!DeprecateEof)
            {
                var eof = await Transport.ReadPayloadAsync(CancellationToken.None).ConfigureAwait(false);
                if (!OkPayload.IsEndOfRows(eof.Span))
                {
                    throw MySqlException.Protocol("Expected an EOF packet after the column definitions.");
                }
            }
        }
        catch (MySqlException ex)
        {
            HasPendingResults = false;
            MarkBroken();
            throw Translate(ex);
        }

        InRows = true;
        return ResultHeader.ForColumns(columns);
    }

    private static int ReadColumnCount(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var count = reader.ReadLengthEncodedInteger();
        if (count == 0 || count > 4096)
        {
            throw MySqlException.Protocol($"Invalid column count {count} in a result set header.");
        }

        return (int)count;
    }

    /// <summary>
    /// Moves to the next row of the current result set; false at its end. Completes synchronously
    /// (no allocation) while rows are buffered.
    /// </summary>
    public ValueTask<bool> ReadRowAsync()
    {
        if (!InRows)
        {
            return new ValueTask<bool>(false);
        }

        if (ActiveScope is { IsTriggered: true } scope)
        {
            return new ValueTask<bool>(Task.FromException<bool>(scope.Translate(null)));
        }

        var pending = Transport.ReadPayloadAsync(CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(AcceptRow(pending.Result));
        }

        return ReadRowSlowAsync(pending);
    }

    private async ValueTask<bool> ReadRowSlowAsync(ValueTask<ReadOnlyMemory<byte>> pending)
    {
        ActiveScope?.RestartTimer();
        ReadOnlyMemory<byte> payload;
        try
        {
            payload = await pending.ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            InRows = false;
            HasPendingResults = false;
            throw Translate(ex);
        }

        return AcceptRow(payload);
    }

    private bool AcceptRow(ReadOnlyMemory<byte> payload)
    {
        switch (ConsumeRowPacket(payload.Span))
        {
            case RowPacket.EndOfRows:
                if (ActiveScope is { IsTriggered: true } scope)
                {
                    throw scope.Translate(null);
                }

                return false;
            case RowPacket.Error:
                throw Translate(ErrorPayload.Parse(payload.Span).ToException());
            default:
                CurrentRow = payload;
                return true;
        }
    }

    private enum RowPacket
    {
        Row,
        EndOfRows,
        Error,
    }

    /// <summary>Classifies a packet of the row stream; an end-of-rows or error packet also ends the result (and updates the status).</summary>
    private RowPacket ConsumeRowPacket(ReadOnlySpan<byte> span)
    {
        if (span.Length > 0 && span[0] == OkPayload.EofHeader && span.Length < PacketTransport.MaxPacketPayload)
        {
            var end = DeprecateEof ? OkPayload.Parse(span) : OkPayload.ParseEof(span);
            Status = end.Status;
            InRows = false;
            HasPendingResults = (end.Status & ServerStatus.MoreResultsExist) != 0;
            CurrentRow = default;
            return RowPacket.EndOfRows;
        }

        if (span.Length > 0 && span[0] == ErrorPayload.Header)
        {
            InRows = false;
            HasPendingResults = false;
            CurrentRow = default;
            return RowPacket.Error;
        }

        return RowPacket.Row;
    }

    /// <summary>Reads and discards everything left of the current command, so the session can take the next one.</summary>
    public async ValueTask DrainAsync()
    {
        while (HasPendingResults)
        {
            try
            {
                while (InRows)
                {
                    var pending = Transport.ReadPayloadAsync(CancellationToken.None);
                    var payload = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
                    ConsumeRowPacket(payload.Span);
                }

                if (HasPendingResults)
                {
                    await ReadResultHeaderAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (MySqlException ex) when (ex.Kind is MySqlErrorKind.Server or MySqlErrorKind.CommandTimeout)
            {
                // A later statement's error while discarding: the caller already stopped reading.
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Runs a statement that returns no rows and discards any results.</summary>
    public async ValueTask<ulong> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        BeginCommand(CommandCodes.Query).WriteUtf8(sql);
        await SendCommandAsync(cancellationToken).ConfigureAwait(false);
        var header = await ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
        return header.AffectedRows;
    }

    /// <summary>COM_RESET_CONNECTION: drops session state (variables, temporary tables, open transaction), then COM_INIT_DB back to the configured database.</summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_reset_connection.html</remarks>
    public async ValueTask ResetAsync(CancellationToken cancellationToken)
    {
        BeginCommand(CommandCodes.ResetConnection);
        await SendCommandAsync(cancellationToken).ConfigureAwait(false);
        await ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);

        // The reset keeps the current schema, which a USE or a dropped database may have changed.
        if (!string.IsNullOrEmpty(Settings.Database))
        {
            BeginCommand(CommandCodes.InitDb).WriteUtf8(Settings.Database);
            await SendCommandAsync(cancellationToken).ConfigureAwait(false);
            await ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        Database = string.IsNullOrEmpty(Settings.Database) ? null : Settings.Database;
    }

    /// <summary>COM_PING.</summary>
    public async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        BeginCommand(CommandCodes.Ping);
        await SendCommandAsync(cancellationToken).ConfigureAwait(false);
        await ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);
    }

    private Exception Translate(Exception ex)
    {
        if (ex is MySqlException { Kind: MySqlErrorKind.ConnectionLost or MySqlErrorKind.Protocol })
        {
            MarkBroken();
        }

        return ActiveScope is { IsTriggered: true } scope ? scope.Translate(ex) : ex;
    }

    /// <summary>Sends a command built with <see cref="BeginCommand"/> whose reply the caller reads packet by packet (the binlog stream).</summary>
    public async ValueTask SendStreamingCommandAsync(CancellationToken cancellationToken)
    {
        Transport.ResetSequence();
        await Transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the next raw packet of a streaming reply. Cancelling aborts the read and leaves the session unusable.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadStreamPacketAsync(CancellationToken cancellationToken) => Transport.ReadPayloadAsync(cancellationToken);
}
