using DualWrite.Core.Relational;

namespace DualWrite.PostgreSql.Stores;

/// <summary>How the key or the value of a <see cref="PostgreSqlTableMapping{TKey, TValue}"/> maps to table columns.</summary>
/// <typeparam name="T">The CLR type of the part.</typeparam>
/// <remarks>
/// The values <see cref="ColumnMap{T, TReader}.ToColumns"/> returns are sent as parameters and, by the bulk load,
/// written with binary COPY as the columns' own types: return the CLR type Npgsql reads for each column
/// (<see cref="long"/> for <c>bigint</c>, <see cref="string"/> for <c>text</c>, and so on).
/// </remarks>
public sealed class PostgreSqlColumnMap<T> : ColumnMap<T, NpgsqlDataReader>
{
    /// <summary>Creates a map.</summary>
    /// <param name="columns">The column names as the server spells them (case matters: every name is quoted), in the order <paramref name="toColumns"/> returns values and <paramref name="read"/> reads them.</param>
    /// <param name="toColumns">Turns a value into one value per column (SQL NULL as <see langword="null"/>).</param>
    /// <param name="read">Reads a value from the current row; the second argument is the ordinal of the first column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public PostgreSqlColumnMap(IReadOnlyList<string> columns, Func<T, object?[]> toColumns, Func<NpgsqlDataReader, int, T> read)
        : base(columns, toColumns, read)
    {
    }
}
