namespace DualWrite.MySql.Stores;

/// <summary>
/// The triggers that version writes made without the store (plain SQL from the application, scripts, other
/// services), so that the row's version column, and with it the binlog, always carries a version that moves forward.
/// Every body skips its bookkeeping while the session variable <c>@dualwrite_writer</c> (<see cref="WriterFlag"/>) is 1, which the store sets
/// around its own statements only: those already carry exact versions and write their own tombstones.
/// </summary>
/// <remarks>
/// Names in the bodies are unqualified: a trigger runs with its own database as the default, so the bodies stay right
/// if the database is copied under another name. The current time in versions' unit (microseconds since the epoch) is
/// <c>UNIX_TIMESTAMP(NOW(6))</c>, a DECIMAL with six fractional digits, times one million.
/// </remarks>
internal sealed class TriggerSql
{
    public const string NowMicros = "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)";

    private const string NotStore = "COALESCE(" + WriterFlag.Value + ", 0) <> 1";

    private readonly string _tombstones;
    private readonly string[] _keys;
    private readonly string _version;

    public TriggerSql(string tombstoneTable, IReadOnlyList<string> keyColumns, string versionColumn)
    {
        _tombstones = MySqlNames.Quote(tombstoneTable);
        _keys = [.. keyColumns.Select(MySqlNames.Quote)];
        _version = MySqlNames.Quote(versionColumn);
    }

    /// <summary>
    /// Whether a trigger body the server reports is <paramref name="body"/>. MariaDB keeps a body with its executable
    /// comments opened: the flag reads <c>@dualwrite_writer</c> there.
    /// </summary>
    public static bool Matches(string existing, string body) =>
        existing == body || existing == body.Replace(WriterFlag.Value, WriterFlag.Name, StringComparison.Ordinal);

    /// <summary>The triggers: name suffix, timing and event, body.</summary>
    public IEnumerable<(string Suffix, string Timing, string Body)> All()
    {
        yield return ("__dw_bi", "BEFORE INSERT", BeforeInsert());
        yield return ("__dw_ai", "AFTER INSERT", AfterInsert());
        yield return ("__dw_bu", "BEFORE UPDATE", BeforeUpdate());
        yield return ("__dw_au", "AFTER UPDATE", AfterUpdate());
        yield return ("__dw_ad", "AFTER DELETE", AfterDelete());
    }

    /// <summary>
    /// A row inserted without a version (NULL or 0) gets the current time, raised past any tombstone of its key so
    /// that the insert outranks the delete it follows.
    /// </summary>
    private string BeforeInsert() => $"""
        BEGIN
          DECLARE dw_tombstone BIGINT DEFAULT NULL;
          IF {NotStore} AND COALESCE(NEW.{_version}, 0) = 0 THEN
            SELECT MAX({_version}) INTO dw_tombstone FROM {_tombstones} WHERE {Match("NEW")} FOR UPDATE;
            SET NEW.{_version} = GREATEST({NowMicros}, COALESCE(dw_tombstone + 1, 0));
          END IF;
        END
        """;

    /// <summary>An inserted row supersedes its key's older tombstone. After the insert, so a skipped or failed insert leaves it.</summary>
    private string AfterInsert() => $"""
        BEGIN
          IF {NotStore} THEN
            DELETE FROM {_tombstones} WHERE {Match("NEW")} AND {_version} < NEW.{_version};
          END IF;
        END
        """;

    /// <summary>
    /// An update that does not raise the version (leaves it, lowers it or sets NULL) gets GREATEST(old + 1, now):
    /// always past the old version, and time-based like inserts. An update that moves the row to another key also
    /// outranks a tombstone of the new key.
    /// </summary>
    private string BeforeUpdate() => $"""
        BEGIN
          DECLARE dw_tombstone BIGINT DEFAULT NULL;
          IF {NotStore} THEN
            IF NOT ({SameKey()}) THEN
              SELECT MAX({_version}) INTO dw_tombstone FROM {_tombstones} WHERE {Match("NEW")} FOR UPDATE;
            END IF;
            IF NEW.{_version} IS NULL OR NEW.{_version} <= OLD.{_version} THEN
              SET NEW.{_version} = GREATEST(OLD.{_version} + 1, {NowMicros}, COALESCE(dw_tombstone + 1, 0));
            END IF;
          END IF;
        END
        """;

    /// <summary>An update that changes the key deletes the old key (a tombstone, as a delete leaves) and supersedes the new key's tombstone.</summary>
    private string AfterUpdate() => $"""
        BEGIN
          IF {NotStore} AND NOT ({SameKey()}) THEN
            {RecordTombstone()}
            DELETE FROM {_tombstones} WHERE {Match("NEW")} AND {_version} < NEW.{_version};
          END IF;
        END
        """;

    /// <summary>A deleted row leaves a tombstone one version past the row, keeping a newer tombstone if one is there.</summary>
    private string AfterDelete() => $"""
        BEGIN
          IF {NotStore} THEN
            {RecordTombstone()}
          END IF;
        END
        """;

    private string RecordTombstone() =>
        $"INSERT INTO {_tombstones} ({string.Join(", ", _keys)}, {_version}) VALUES ({string.Join(", ", _keys.Select(k => "OLD." + k))}, OLD.{_version} + 1) " +
        $"ON DUPLICATE KEY UPDATE {_version} = GREATEST({_version}, VALUES({_version}));";

    private string Match(string row) => string.Join(" AND ", _keys.Select(k => $"{k} = {row}.{k}"));

    private string SameKey() => string.Join(" AND ", _keys.Select(k => $"NEW.{k} <=> OLD.{k}"));
}
