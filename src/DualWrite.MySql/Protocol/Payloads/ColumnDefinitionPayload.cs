using DualWrite.MySql.Protocol.Serialization;

namespace DualWrite.MySql.Protocol.Payloads;

/// <summary>Parses Protocol::ColumnDefinition41.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html
/// and https://mariadb.com/kb/en/result-set-packets/#column-definition-packet (extended type info).</remarks>
internal static class ColumnDefinitionPayload
{
    public static ColumnDefinition Parse(ReadOnlySpan<byte> payload, bool extendedTypeInfo)
    {
        var reader = new PayloadReader(payload);
        reader.ReadLengthEncodedBytes(); // catalog, always "def"
        var schema = reader.ReadLengthEncodedString();
        var table = reader.ReadLengthEncodedString();
        var originalTable = reader.ReadLengthEncodedString();
        var name = reader.ReadLengthEncodedString();
        var originalName = reader.ReadLengthEncodedString();
        string? extendedType = null;
        if (extendedTypeInfo)
        {
            var extended = new PayloadReader(reader.ReadLengthEncodedBytes());
            while (extended.HasMore)
            {
                var key = extended.ReadByte();
                var value = extended.ReadLengthEncodedString();
                // Key 0 names a data type (e.g. "inet6"), key 1 a format of a string type (e.g. "json").
                if (key is 0 or 1)
                {
                    extendedType = value;
                }
            }
        }

        reader.ReadLengthEncodedInteger(); // length of the fixed fields, 0x0c
        var collation = reader.ReadUInt16();
        var length = reader.ReadUInt32();
        var type = (MySqlColumnType)reader.ReadByte();
        var flags = (ColumnFlags)reader.ReadUInt16();
        var decimals = reader.ReadByte();
        return new ColumnDefinition
        {
            Schema = schema,
            Table = table,
            OriginalTable = originalTable,
            Name = name,
            OriginalName = originalName,
            CollationId = collation,
            ColumnLength = length,
            Type = type,
            Flags = flags,
            Decimals = decimals,
            ExtendedTypeName = extendedType,
        };
    }
}
