using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication;

public sealed partial class BinlogEventDecoder
{
    private const int UuidLength = 16;
    private const int MaxTagLength = 32;

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Gtid__event.html:
    // flags (1), SID (16), GNO (8); then, when present, the logical clock (type 2, last_committed, sequence_number),
    // the 7-byte immediate commit timestamp (its top bit says a 7-byte original timestamp follows), and more.
    private MySqlGtidEvent DecodeMySqlGtid(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, header.Type == BinlogEventType.Gtid ? "GTID_LOG_EVENT" : "ANONYMOUS_GTID_LOG_EVENT");
        reader.ReadByte();
        var sid = new Guid(reader.ReadBytes(UuidLength), bigEndian: true);
        var gno = (long)reader.ReadUInt64();
        ulong? commitTimestamp = null;
        const byte logicalTimestampType = 2;
        if (reader.Remaining >= 17 && data[reader.Offset] == logicalTimestampType)
        {
            reader.Skip(1 + 8 + 8);
            if (reader.Remaining >= 7)
            {
                const ulong originalFollows = 1UL << 55;
                var immediate = reader.ReadUInt56();
                commitTimestamp = immediate & ~originalFollows;
            }
        }

        return new MySqlGtidEvent(header, sid, gno, null, header.Type == BinlogEventType.AnonymousGtid, commitTimestamp);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Gtid__event.html (tagged form)
    // in the format of https://dev.mysql.com/doc/dev/mysql-server/latest/PageLibsMysqlSerialization.html: version,
    // message size, last non-ignorable field id, then (field id, value) pairs with variable-length integers. Field ids:
    // 0 flags, 1 uuid (16 integers), 2 gno, 3 tag, 4 last_committed, 5 sequence_number, 6 immediate_commit_timestamp,
    // 7 original_commit_timestamp, 8 transaction_length, 9 immediate_server_version, 10 original_server_version,
    // 11 commit_group_ticket.
    private static MySqlGtidEvent DecodeTaggedGtid(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        const ulong lastKnownField = 11;
        var reader = new BinlogSpanReader(data, "GTID_TAGGED_LOG_EVENT");
        reader.ReadVarLenUnsigned();
        var size = reader.ReadVarLenUnsigned();
        if (size > (ulong)data.Length || size < (ulong)reader.Offset)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"message size {size} for a {data.Length}-byte body"));
        }

        var lastNonIgnorable = reader.ReadVarLenUnsigned();
        if (lastNonIgnorable > lastKnownField)
        {
            throw BinlogException.BinlogUnsupported(string.Create(CultureInfo.InvariantCulture,
                $"Unsupported GTID_TAGGED_LOG_EVENT: {Describe(header)} has a required field {lastNonIgnorable} this decoder does not know."));
        }

        var end = (int)size;
        Guid? sid = null;
        long? gno = null;
        string? tag = null;
        ulong? commitTimestamp = null;
        var previousField = -1L;
        Span<byte> uuid = stackalloc byte[UuidLength];
        while (reader.Offset < end)
        {
            var field = reader.ReadVarLenUnsigned();
            if (field > lastKnownField)
            {
                break; // a newer, ignorable field: the message size lets the rest be skipped
            }

            if ((long)field <= previousField)
            {
                throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"field {field} after field {previousField}"));
            }

            previousField = (long)field;
            switch (field)
            {
                case 1:
                    for (var i = 0; i < UuidLength; i++)
                    {
                        var b = reader.ReadVarLenUnsigned();
                        uuid[i] = b <= byte.MaxValue ? (byte)b : throw reader.Corrupt("a UUID byte above 255");
                    }

                    sid = new Guid(uuid, bigEndian: true);
                    break;
                case 2:
                    gno = reader.ReadVarLenSigned();
                    break;
                case 3:
                    var length = reader.ReadVarLenUnsigned();
                    if (length > MaxTagLength || length > (ulong)reader.Remaining)
                    {
                        throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"tag length {length}"));
                    }

                    tag = reader.ReadString((int)length);
                    break;
                case 4 or 5:
                    reader.ReadVarLenSigned();
                    break;
                case 6:
                    commitTimestamp = reader.ReadVarLenUnsigned();
                    break;
                default:
                    reader.ReadVarLenUnsigned();
                    break;
            }
        }

        if (reader.Offset > end)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"a field runs past the message size {end}"));
        }

        if (sid is null || gno is null)
        {
            throw reader.Corrupt("no UUID or GNO field");
        }

        return new MySqlGtidEvent(header, sid.Value, gno.Value, string.IsNullOrEmpty(tag) ? null : tag, false, commitTimestamp);
    }

    // https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Previous__gtids__event.html:
    // the encoded GTID set. Its first 8 bytes are the SID count; in the tagged format (8.3+) the top byte is 1, the
    // low byte repeats it and the count sits in between, and each UUID is followed by its tag as a serialized string.
    // Each SID then has an interval count and [start, end) pairs.
    private static PreviousGtidsEvent DecodePreviousGtids(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "PREVIOUS_GTIDS_LOG_EVENT");
        var first = reader.ReadUInt64();
        var tagged = (first >> 56) switch
        {
            0 => false,
            1 when (first & 0xFF) == 1 => true,
            _ => throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"GTID set header 0x{first:X16}")),
        };
        var sidCount = tagged ? (first >> 8) & 0xFFFF_FFFF_FFFF : first;
        var text = new StringBuilder();
        Guid? previousSid = null;
        for (ulong s = 0; s < sidCount; s++)
        {
            var sid = new Guid(reader.ReadBytes(UuidLength), bigEndian: true);
            var tag = string.Empty;
            if (tagged)
            {
                var length = reader.ReadVarLenUnsigned();
                if (length > MaxTagLength)
                {
                    throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"tag length {length}"));
                }

                tag = reader.ReadString((int)length);
            }

            // MySQL writes the tags of one UUID after it: uuid:1-5:tag:1-3
            if (sid != previousSid)
            {
                text.Append(text.Length > 0 ? "," : string.Empty).Append(sid.ToString("D"));
            }

            if (tag.Length > 0)
            {
                text.Append(':').Append(tag);
            }

            previousSid = sid;
            var intervalCount = reader.ReadUInt64();
            for (ulong i = 0; i < intervalCount; i++)
            {
                var start = (long)reader.ReadUInt64();
                var end = (long)reader.ReadUInt64();
                if (start < 1 || end <= start)
                {
                    throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"GTID interval [{start}, {end})"));
                }

                text.Append(':').Append(start.ToString(CultureInfo.InvariantCulture));
                if (end - 1 > start)
                {
                    text.Append('-').Append((end - 1).ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        if (reader.HasMore)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"{reader.Remaining} byte(s) after the GTID set"));
        }

        return new PreviousGtidsEvent(header, text.ToString());
    }

    // https://mariadb.com/kb/en/gtid_event/: sequence (8), domain (4), flags (1), then a commit id (8) when
    // FL_GROUP_COMMIT_ID (2) is set; XA and extra fields after that are not needed here.
    private static MariaDbGtidEvent DecodeMariaDbGtid(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        const byte groupCommitId = 2;
        var reader = new BinlogSpanReader(data, "GTID_EVENT");
        var sequence = reader.ReadUInt64();
        var domain = reader.ReadUInt32();
        var flags = reader.ReadByte();
        ulong? commitId = (flags & groupCommitId) != 0 ? reader.ReadUInt64() : null;
        return new MariaDbGtidEvent(header, new MariaDbGtid(domain, header.ServerId, sequence), flags, commitId);
    }

    // https://mariadb.com/kb/en/gtid_list_event/: a count (low 28 bits; the top 4 are flags), then per domain
    // domain (4), server (4), sequence (8).
    private static MariaDbGtidListEvent DecodeMariaDbGtidList(BinlogEventHeader header, ReadOnlySpan<byte> data)
    {
        var reader = new BinlogSpanReader(data, "GTID_LIST_EVENT");
        var count = reader.ReadUInt32() & 0x0FFF_FFFF;
        if ((long)count * 16 > reader.Remaining)
        {
            throw reader.Corrupt(string.Create(CultureInfo.InvariantCulture, $"{count} GTID(s) in {reader.Remaining} byte(s)"));
        }

        var gtids = new MariaDbGtid[count];
        for (var i = 0; i < gtids.Length; i++)
        {
            var domain = reader.ReadUInt32();
            var server = reader.ReadUInt32();
            gtids[i] = new MariaDbGtid(domain, server, reader.ReadUInt64());
        }

        return new MariaDbGtidListEvent(header, gtids);
    }
}
