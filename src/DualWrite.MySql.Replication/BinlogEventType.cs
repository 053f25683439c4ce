namespace DualWrite.MySql.Replication;

/// <summary>Binlog event type codes (MySQL's Log_event_type and MariaDB's additions from 160).</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/namespacemysql_1_1binlog_1_1event.html and
/// https://mariadb.com/kb/en/replication-protocol/ (event types)</remarks>
public enum BinlogEventType : byte
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>START_EVENT_V3 (pre-5.0).</summary>
    StartV3 = 1,
    /// <summary>QUERY_EVENT: a statement (BEGIN, COMMIT, DDL).</summary>
    Query = 2,
    /// <summary>STOP_EVENT: the server stopped.</summary>
    Stop = 3,
    /// <summary>ROTATE_EVENT: the next binlog file.</summary>
    Rotate = 4,
    /// <summary>INTVAR_EVENT (statement format).</summary>
    IntVar = 5,
    /// <summary>SLAVE_EVENT (unused).</summary>
    Slave = 7,
    /// <summary>APPEND_BLOCK_EVENT (LOAD DATA).</summary>
    AppendBlock = 9,
    /// <summary>DELETE_FILE_EVENT (LOAD DATA).</summary>
    DeleteFile = 11,
    /// <summary>RAND_EVENT (statement format).</summary>
    Rand = 13,
    /// <summary>USER_VAR_EVENT (statement format).</summary>
    UserVar = 14,
    /// <summary>FORMAT_DESCRIPTION_EVENT: describes the rest of the file.</summary>
    FormatDescription = 15,
    /// <summary>XID_EVENT: an InnoDB transaction committed.</summary>
    Xid = 16,
    /// <summary>BEGIN_LOAD_QUERY_EVENT (LOAD DATA).</summary>
    BeginLoadQuery = 17,
    /// <summary>EXECUTE_LOAD_QUERY_EVENT (LOAD DATA).</summary>
    ExecuteLoadQuery = 18,
    /// <summary>TABLE_MAP_EVENT: describes the table of the rows events that follow.</summary>
    TableMap = 19,
    /// <summary>PRE_GA_WRITE_ROWS_EVENT (5.1 beta; carries rows, unsupported).</summary>
    PreGaWriteRows = 20,
    /// <summary>PRE_GA_UPDATE_ROWS_EVENT (5.1 beta; carries rows, unsupported).</summary>
    PreGaUpdateRows = 21,
    /// <summary>PRE_GA_DELETE_ROWS_EVENT (5.1 beta; carries rows, unsupported).</summary>
    PreGaDeleteRows = 22,
    /// <summary>WRITE_ROWS_EVENT_V1.</summary>
    WriteRowsV1 = 23,
    /// <summary>UPDATE_ROWS_EVENT_V1.</summary>
    UpdateRowsV1 = 24,
    /// <summary>DELETE_ROWS_EVENT_V1.</summary>
    DeleteRowsV1 = 25,
    /// <summary>INCIDENT_EVENT: the source lost changes; replication must stop.</summary>
    Incident = 26,
    /// <summary>HEARTBEAT_LOG_EVENT: the source is alive (never written to a file).</summary>
    Heartbeat = 27,
    /// <summary>IGNORABLE_LOG_EVENT.</summary>
    Ignorable = 28,
    /// <summary>ROWS_QUERY_LOG_EVENT: the statement behind the rows (MySQL).</summary>
    RowsQuery = 29,
    /// <summary>WRITE_ROWS_EVENT (v2).</summary>
    WriteRowsV2 = 30,
    /// <summary>UPDATE_ROWS_EVENT (v2).</summary>
    UpdateRowsV2 = 31,
    /// <summary>DELETE_ROWS_EVENT (v2).</summary>
    DeleteRowsV2 = 32,
    /// <summary>GTID_LOG_EVENT (MySQL).</summary>
    Gtid = 33,
    /// <summary>ANONYMOUS_GTID_LOG_EVENT (MySQL).</summary>
    AnonymousGtid = 34,
    /// <summary>PREVIOUS_GTIDS_LOG_EVENT (MySQL).</summary>
    PreviousGtids = 35,
    /// <summary>TRANSACTION_CONTEXT_EVENT (MySQL group replication).</summary>
    TransactionContext = 36,
    /// <summary>VIEW_CHANGE_EVENT (MySQL group replication).</summary>
    ViewChange = 37,
    /// <summary>XA_PREPARE_LOG_EVENT (MySQL).</summary>
    XaPrepare = 38,
    /// <summary>PARTIAL_UPDATE_ROWS_EVENT: updates with JSON diffs (MySQL 8).</summary>
    PartialUpdateRows = 39,
    /// <summary>TRANSACTION_PAYLOAD_EVENT: a compressed transaction (MySQL 8.0.20+).</summary>
    TransactionPayload = 40,
    /// <summary>HEARTBEAT_LOG_EVENT_V2 (MySQL 8.0.26+).</summary>
    HeartbeatV2 = 41,
    /// <summary>GTID_TAGGED_LOG_EVENT (MySQL 8.3+).</summary>
    GtidTagged = 42,
    /// <summary>ANNOTATE_ROWS_EVENT: the statement behind the rows (MariaDB).</summary>
    AnnotateRows = 160,
    /// <summary>BINLOG_CHECKPOINT_EVENT (MariaDB).</summary>
    BinlogCheckpoint = 161,
    /// <summary>GTID_EVENT (MariaDB): starts a transaction.</summary>
    MariaDbGtid = 162,
    /// <summary>GTID_LIST_EVENT (MariaDB): the GTID state at the start of a file.</summary>
    MariaDbGtidList = 163,
    /// <summary>START_ENCRYPTION_EVENT (MariaDB).</summary>
    StartEncryption = 164,
    /// <summary>QUERY_COMPRESSED_EVENT (MariaDB).</summary>
    QueryCompressed = 165,
    /// <summary>WRITE_ROWS_COMPRESSED_EVENT_V1 (MariaDB; carries rows, unsupported).</summary>
    WriteRowsCompressedV1 = 166,
    /// <summary>UPDATE_ROWS_COMPRESSED_EVENT_V1 (MariaDB; carries rows, unsupported).</summary>
    UpdateRowsCompressedV1 = 167,
    /// <summary>DELETE_ROWS_COMPRESSED_EVENT_V1 (MariaDB; carries rows, unsupported).</summary>
    DeleteRowsCompressedV1 = 168,
    /// <summary>WRITE_ROWS_COMPRESSED_EVENT (MariaDB; carries rows, unsupported).</summary>
    WriteRowsCompressed = 169,
    /// <summary>UPDATE_ROWS_COMPRESSED_EVENT (MariaDB; carries rows, unsupported).</summary>
    UpdateRowsCompressed = 170,
    /// <summary>DELETE_ROWS_COMPRESSED_EVENT (MariaDB; carries rows, unsupported).</summary>
    DeleteRowsCompressed = 171,
}
