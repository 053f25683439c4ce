using DualWrite.MySql.Values;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>One column of a TABLE_MAP event, with what the optional metadata told about it.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Table__map__event.html</remarks>
public sealed class TableMapColumn
{
    /// <summary>Position in the table, from 0.</summary>
    public required int Ordinal { get; init; }

    /// <summary>The type as stored in the binlog. For <see cref="MySqlColumnType.String"/> columns the real type
    /// (CHAR, ENUM or SET) is already resolved from the metadata.</summary>
    public required MySqlColumnType Type { get; init; }

    /// <summary>The type's metadata from the TABLE_MAP (lengths, precision/scale, fractional digits; 0 when none).</summary>
    public required ushort Metadata { get; init; }

    /// <summary>Whether the column may be NULL.</summary>
    public required bool IsNullable { get; init; }

    /// <summary>For numeric columns: from the SIGNEDNESS metadata (false when the server did not send it).</summary>
    public bool IsUnsigned { get; init; }

    /// <summary>For character columns: the collation id from DEFAULT_CHARSET/COLUMN_CHARSET (63 = binary), or -1 when unknown.</summary>
    public int CollationId { get; init; } = -1;

    /// <summary>The column name (COLUMN_NAME metadata), or null when the server did not send it.</summary>
    public string? Name { get; init; }

    /// <summary>ENUM member names in order (ENUM_STR metadata).</summary>
    public IReadOnlyList<string>? EnumValues { get; init; }

    /// <summary>SET member names in order (SET_STR metadata).</summary>
    public IReadOnlyList<string>? SetValues { get; init; }

    /// <summary>Whether the column is part of the primary key (SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX metadata).</summary>
    public bool IsPrimaryKey { get; init; }

    /// <summary>Whether the column is visible (COLUMN_VISIBILITY metadata; true when not sent).</summary>
    public bool IsVisible { get; init; } = true;

    /// <summary>Bytes of a BLOB/TEXT/JSON/GEOMETRY length prefix, or the declared length of a string: see <see cref="Metadata"/>.</summary>
    public override string ToString() => $"{Name ?? "#" + Ordinal} {Type}({Metadata})";
}
