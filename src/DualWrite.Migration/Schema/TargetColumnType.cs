using NpgsqlTypes;

namespace DualWrite.Migration.Schema;

/// <summary>
/// The PostgreSQL type a source column maps to, and how a source value (as the MySQL client or the binlog reader
/// returns it) becomes a value Npgsql writes to that type.
/// </summary>
/// <param name="Sql">The column type in DDL, e.g. <c>numeric(20,0)</c>.</param>
/// <param name="DbType">The type Npgsql writes in binary COPY.</param>
/// <param name="Convert">Turns a non-null source value into the value written; it throws <see cref="TargetValueException"/> for a value the type cannot hold.</param>
/// <param name="StagedAsText">
/// Whether values travel as text and are cast on the server (DECIMAL beyond 28 digits, which no CLR type Npgsql
/// writes can hold exactly); such columns are written through a staging table, never by direct COPY.
/// </param>
/// <param name="Check">An optional CHECK constraint body over the quoted column name placeholder <c>{0}</c> (ENUM members).</param>
public sealed record TargetColumnType(string Sql, NpgsqlDbType DbType, Func<object, object> Convert, bool StagedAsText = false, string? Check = null);
