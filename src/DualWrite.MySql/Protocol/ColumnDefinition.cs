namespace DualWrite.MySql.Protocol;

/// <summary>One column of a result set, as described by the server's ColumnDefinition41 packet.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html</remarks>
internal sealed class ColumnDefinition
{
    public required string Name { get; init; }
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string OriginalTable { get; init; } = "";
    public string OriginalName { get; init; } = "";

    /// <summary>Collation id of the value's bytes (63 = binary).</summary>
    public required ushort CollationId { get; init; }

    /// <summary>Maximum display length in bytes.</summary>
    public uint ColumnLength { get; init; }

    public required MySqlColumnType Type { get; init; }
    public ColumnFlags Flags { get; init; }
    public byte Decimals { get; init; }

    /// <summary>MariaDB's extended type or format name (for example "json" or "inet6"), when the server sent one.</summary>
    public string? ExtendedTypeName { get; init; }

    public bool IsUnsigned => (Flags & ColumnFlags.Unsigned) != 0;

    /// <summary>True when the bytes are binary data rather than text.</summary>
    public bool IsBinary => CollationId == CharacterSets.BinaryCollationId;
}
