using DualWrite.MySql.Replication.Decoding;
using DualWrite.MySql.Replication.Events;

namespace DualWrite.MySql.Replication.Session;

/// <summary>What a <see cref="TransactionAssembler"/> reads and updates of the stream it assembles for.</summary>
internal interface ITransactionContext
{
    /// <summary>The MariaDB GTID state, per domain, that committed groups advance.</summary>
    IDictionary<uint, MariaDbGtid> MariaDbGtidState { get; }

    /// <summary>The MySQL GTID set committed groups join, or null on MariaDB.</summary>
    MySqlGtidSet? MySqlGtids { get; }

    /// <summary>Whether rows of the table are delivered.</summary>
    bool Includes(string schema, string table);

    /// <summary>A DDL statement passed: the table maps seen so far no longer hold.</summary>
    void TableMapsInvalidated();

    /// <summary>The stream's position just after an event ending at <paramref name="nextPosition"/>, with the GTID state.</summary>
    BinlogPosition PositionAt(uint nextPosition);
}

/// <summary>
/// Gathers an event group's changes until it commits. A group that never committed (its last events were written
/// when the source crashed, so no XID or COMMIT follows) is dropped when the next group begins or the file ends,
/// and its GTID counts for the stream's GTID state only once a group commits: the crashed server never committed
/// it, and may give its number to another transaction.
/// </summary>
internal sealed class TransactionAssembler(ITransactionContext stream)
{
    private readonly List<RowChange> _changes = [];
    private MariaDbGtid? _mariaDbGtid;
    private MySqlGtidEvent? _mySqlGtid;
    private bool _inTransaction;

    public bool IsEmpty => !_inTransaction && _changes.Count == 0 && _mariaDbGtid is null && _mySqlGtid is null;

    /// <summary>The open group's GTID, or null (none yet, or an anonymous one).</summary>
    private string? Gtid => _mariaDbGtid?.ToString() ?? _mySqlGtid?.Gtid;

    /// <summary>The file ends (a rotation): a group still open there never committed.</summary>
    public void EndOfFile() => Reset();

    public BinlogTransaction? Accept(BinlogEvent binlogEvent, uint endPosition)
    {
        switch (binlogEvent)
        {
            case MariaDbGtidEvent gtid:
                Reset(); // a group begins: whatever was open never committed
                _mariaDbGtid = new MariaDbGtid(gtid.Gtid.DomainId, gtid.Header.ServerId, gtid.Gtid.Sequence);
                _inTransaction = true;
                return null;
            case MySqlGtidEvent gtid:
                Reset();
                _mySqlGtid = gtid.IsAnonymous ? null : gtid;
                return null;
            case QueryEvent query:
                return AcceptQuery(query, endPosition);
            case RowsEvent rows:
                _inTransaction = true;
                if (!stream.Includes(rows.Table.Schema, rows.Table.Table))
                {
                    return null;
                }

                foreach (var row in rows.Rows)
                {
                    _changes.Add(new RowChange(rows.Table, rows.Kind, row.Before, row.After, _changes.Count));
                }

                return null;
            case XidEvent xid:
                return Commit(xid.Header, endPosition);
            default:
                return null;
        }
    }

    private BinlogTransaction? AcceptQuery(QueryEvent query, uint endPosition)
    {
        var sql = query.Sql;
        if (DdlClassifier.IsTransactionControl(sql))
        {
            if (sql.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase))
            {
                _inTransaction = true;
                return null;
            }

            if (sql.StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase))
            {
                return Commit(query.Header, endPosition);
            }

            if (sql.StartsWith("ROLLBACK", StringComparison.OrdinalIgnoreCase))
            {
                // Changes to non-transactional tables are logged and then rolled back: nothing to deliver.
                Reset();
            }

            return null;
        }

        // DDL (and other statements logged as queries in row format) commits on its own.
        var change = DdlClassifier.Classify(query.Schema, sql);
        stream.TableMapsInvalidated();
        Committed();
        var transaction = new BinlogTransaction(stream.PositionAt(endPosition), Gtid,
            DateTimeOffset.FromUnixTimeSeconds(query.Header.Timestamp), [], change);
        Reset();
        return transaction;
    }

    private BinlogTransaction Commit(BinlogEventHeader header, uint endPosition)
    {
        Committed();
        var transaction = new BinlogTransaction(stream.PositionAt(endPosition), Gtid,
            DateTimeOffset.FromUnixTimeSeconds(header.Timestamp), [.. _changes], null);
        Reset();
        return transaction;
    }

    /// <summary>The group committed: its GTID joins the stream's GTID state (which the commit's position carries).</summary>
    private void Committed()
    {
        if (_mariaDbGtid is { } mariaDb)
        {
            stream.MariaDbGtidState[mariaDb.DomainId] = mariaDb;
        }

        if (_mySqlGtid is { } mySql)
        {
            stream.MySqlGtids?.Add(mySql.SourceId, mySql.Tag, mySql.TransactionNumber);
        }
    }

    private void Reset()
    {
        _changes.Clear();
        _mariaDbGtid = null;
        _mySqlGtid = null;
        _inTransaction = false;
    }
}
