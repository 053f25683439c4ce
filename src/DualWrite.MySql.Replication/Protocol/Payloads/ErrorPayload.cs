using System.Text;
using DualWrite.MySql.Replication.Protocol.Serialization;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Protocol.Payloads;

/// <summary>ERR_Packet.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html</remarks>
internal readonly struct ErrorPayload
{
    public const byte Header = 0xFF;

    public ErrorPayload(ushort number, string? sqlState, string message)
    {
        Number = number;
        SqlState = sqlState;
        Message = message;
    }

    public ushort Number { get; }
    public string? SqlState { get; }
    public string Message { get; }

    public static ErrorPayload Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Header)
        {
            throw BinlogException.Protocol("Expected an ERR packet.");
        }

        var number = reader.ReadUInt16();
        string? state = null;
        if (reader.HasMore && reader.PeekByte() == (byte)'#')
        {
            reader.Skip(1);
            state = Encoding.ASCII.GetString(reader.ReadBytes(Math.Min(5, reader.Remaining)));
        }

        var message = Encoding.UTF8.GetString(reader.ReadRest());
        return new ErrorPayload(number, state, message);
    }

    public BinlogException ToException(BinlogErrorKind? kind = null) =>
        new(kind ?? Classify(Number), Number, SqlState, Message);

    private static BinlogErrorKind Classify(int number) => number switch
    {
        // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_NOT_SUPPORTED_AUTH_MODE,
        // ER_ACCESS_DENIED_NO_PASSWORD_ERROR, ER_MUST_CHANGE_PASSWORD_LOGIN, account locked
        1045 or 1044 or 1251 or 1698 or 1862 or 3118 or 4151 => BinlogErrorKind.Authentication,
        // ER_CON_COUNT_ERROR, ER_HOST_IS_BLOCKED, ER_HOST_NOT_PRIVILEGED
        1040 or 1129 or 1130 => BinlogErrorKind.ConnectionFailed,
        _ => BinlogErrorKind.Server,
    };
}
