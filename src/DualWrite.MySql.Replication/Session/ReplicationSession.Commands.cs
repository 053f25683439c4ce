using DualWrite.MySql.Replication.Protocol.Payloads;
using DualWrite.MySql.Replication.Protocol.Serialization;
using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Session;

internal sealed partial class ReplicationSession
{
    /// <summary>Starts a command: clears the send buffer and writes the command byte.</summary>
    public PayloadWriter BeginCommand(byte command)
    {
        _writer.Clear();
        _writer.WriteByte(command);
        return _writer;
    }

    /// <summary>Sends the command begun with <see cref="BeginCommand"/>.</summary>
    public async ValueTask SendCommandAsync(CancellationToken cancellationToken)
    {
        Transport.ResetSequence();
        try
        {
            await Transport.WritePayloadAsync(_writer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BinlogException or OperationCanceledException)
        {
            MarkBroken();
            throw;
        }
    }

    /// <summary>Reads the reply to a command that answers OK or ERR (a SET statement, COM_REGISTER_SLAVE).</summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_response_packets.html</remarks>
    public async ValueTask ReadOkAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload;
        try
        {
            payload = await Transport.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BinlogException or OperationCanceledException)
        {
            MarkBroken();
            throw;
        }

        var span = payload.Span;
        if (span.Length > 0 && span[0] == OkPayload.Header)
        {
            Status = OkPayload.Parse(span).Status;
            return;
        }

        if (span.Length > 0 && span[0] == ErrorPayload.Header)
        {
            throw ErrorPayload.Parse(span).ToException();
        }

        // A result set here would leave its rows on the wire; the session cannot go on after that.
        MarkBroken();
        throw BinlogException.Protocol($"Expected OK or ERR, got a packet starting 0x{(span.Length > 0 ? span[0] : 0):X2}: the replication session runs no queries that return rows.");
    }

    /// <summary>Runs a statement that answers OK (a SET of session variables).</summary>
    public async ValueTask ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        BeginCommand(CommandCodes.Query).WriteUtf8(sql);
        await SendCommandAsync(cancellationToken).ConfigureAwait(false);
        await ReadOkAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a command built with <see cref="BeginCommand"/> whose reply the caller reads packet by packet (the binlog stream).</summary>
    public ValueTask SendStreamingCommandAsync(CancellationToken cancellationToken) => SendCommandAsync(cancellationToken);

    /// <summary>Reads the next raw packet of a streaming reply. Cancelling aborts the read and leaves the session unusable.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadStreamPacketAsync(CancellationToken cancellationToken) => Transport.ReadPayloadAsync(cancellationToken);
}
