using System.Globalization;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogEventDecoder
{
    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Query__event.html
    private QueryEvent DecodeQuery(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        const int minimalPostHeader = 4 + 4 + 1 + 2;
        var postHeader = PostHeaderLength(BinlogEventType.Query, minimalPostHeader + 2);
        var reader = new BinlogSpanReader(data, "QUERY_EVENT");
        if (postHeader < minimalPostHeader)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"post-header length {postHeader}"));
        }

        var threadId = reader.ReadUInt32();
        var seconds = reader.ReadUInt32();
        var schemaLength = reader.ReadByte();
        var errorCode = reader.ReadUInt16();
        var statusLength = postHeader >= minimalPostHeader + 2 ? reader.ReadUInt16() : 0;
        reader.Skip(postHeader - reader.Offset);
        reader.Skip(statusLength);
        var schema = reader.ReadString(schemaLength);
        if (reader.ReadByte() != 0)
        {
            throw reader.Corrupt("the schema name is not NUL-terminated");
        }

        return new QueryEvent(header, threadId, seconds, errorCode, schema, reader.ReadRestAsString());
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rotate__event.html
    private RotateEvent DecodeRotate(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var postHeader = PostHeaderLength(BinlogEventType.Rotate, 8);
        var reader = new BinlogSpanReader(data, "ROTATE_EVENT");
        var position = postHeader >= 8 ? reader.ReadUInt64() : 4;
        reader.Skip(postHeader - reader.Offset);
        return new RotateEvent(header, position, reader.ReadRestAsString());
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Xid__event.html
    private XidEvent DecodeXid(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "XID_EVENT");
        reader.Skip(PostHeaderLength(BinlogEventType.Xid, 0));
        var xid = reader.ReadUInt64();
        if (reader.HasMore)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"{reader.Remaining} byte(s) after the xid"));
        }

        return new XidEvent(header, xid);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Incident__event.html
    private IncidentEvent DecodeIncident(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var postHeader = PostHeaderLength(BinlogEventType.Incident, 2);
        var reader = new BinlogSpanReader(data, "INCIDENT_EVENT");
        var incident = postHeader >= 2 ? reader.ReadUInt16() : (ushort)0;
        reader.Skip(postHeader - reader.Offset);
        var message = reader.HasMore ? reader.ReadString(reader.ReadByte()) : string.Empty;
        return new IncidentEvent(header, incident, message);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Heartbeat__event.html:
    // the body is the source's current file; the header's next position is its position in it.
    private HeartbeatEvent DecodeHeartbeat(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "HEARTBEAT_LOG_EVENT");
        reader.Skip(PostHeaderLength(BinlogEventType.Heartbeat, 0));
        return new HeartbeatEvent(header, reader.ReadRestAsString(), header.NextPosition);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Heartbeat__event__v2.html:
    // type-length-value fields (OTW_HB_LOG_FILENAME_FIELD = 1, OTW_HB_LOG_POSITION_FIELD = 2) up to an end mark 0.
    private HeartbeatEvent DecodeHeartbeatV2(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "HEARTBEAT_LOG_EVENT_V2");
        reader.Skip(PostHeaderLength(BinlogEventType.HeartbeatV2, 0));
        var file = string.Empty;
        ulong position = 0;
        while (reader.HasMore)
        {
            var field = reader.ReadPackedInteger();
            if (field == 0)
            {
                break;
            }

            var value = reader.ReadBytes(reader.ReadPackedLength("field length"));
            switch (field)
            {
                case 1:
                    file = BinlogSpanReader.Decode(value);
                    break;
                case 2:
                    var valueReader = new BinlogSpanReader(value, "HEARTBEAT_LOG_EVENT_V2 position");
                    position = valueReader.ReadPackedInteger();
                    break;
            }
        }

        return new HeartbeatEvent(header, file, position);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__query__event.html:
    // one length byte (the length modulo 256, so unreliable), then the statement up to the end of the event.
    private RowsQueryEvent DecodeRowsQuery(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "ROWS_QUERY_LOG_EVENT");
        reader.Skip(PostHeaderLength(BinlogEventType.RowsQuery, 0));
        reader.ReadByte();
        return new RowsQueryEvent(header, reader.ReadRestAsString());
    }

    // https://mariadb.com/kb/en/annotate_rows_event/: the body is the statement.
    private RowsQueryEvent DecodeAnnotateRows(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "ANNOTATE_ROWS_EVENT");
        reader.Skip(PostHeaderLength(BinlogEventType.AnnotateRows, 0));
        return new RowsQueryEvent(header, reader.ReadRestAsString());
    }

    // https://mariadb.com/kb/en/binlog_checkpoint_event/: the file name's length (4), then the name.
    private BinlogCheckpointEvent DecodeBinlogCheckpoint(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var postHeader = PostHeaderLength(BinlogEventType.BinlogCheckpoint, 4);
        var reader = new BinlogSpanReader(data, "BINLOG_CHECKPOINT_EVENT");
        if (postHeader < 4)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"post-header length {postHeader}"));
        }

        var length = reader.ReadUInt32();
        reader.Skip(postHeader - reader.Offset);
        if (length > (uint)reader.Remaining)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"file name length {length} exceeds the {reader.Remaining} byte(s) left"));
        }

        return new BinlogCheckpointEvent(header, reader.ReadString((int)length));
    }
}
