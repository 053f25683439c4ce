namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// How one part of a row (the key or the value) maps to table columns: the columns' names, how a CLR value becomes
/// their values, and how it is read back from a result row. Reading starts at a given ordinal, so the same map reads
/// the part wherever a query places it.
/// </summary>
/// <typeparam name="T">The CLR type of the part.</typeparam>
/// <remarks>
/// The values <see cref="ToColumns"/> returns are sent as parameters and, by the bulk load, written with binary COPY
/// as the columns' own types: return the CLR type Npgsql reads for each column (<see cref="long"/> for
/// <c>bigint</c>, <see cref="string"/> for <c>text</c>, and so on).
/// </remarks>
public sealed class PostgreSqlColumnMap<T>
{
    /// <summary>Creates a map.</summary>
    /// <param name="columns">The column names as the server spells them (case matters: every name is quoted), in the order <paramref name="toColumns"/> returns values and <paramref name="read"/> reads them.</param>
    /// <param name="toColumns">Turns a value into one value per column (SQL NULL as <see langword="null"/>).</param>
    /// <param name="read">Reads a value from the current row; the second argument is the ordinal of the first column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public PostgreSqlColumnMap(IReadOnlyList<string> columns, Func<T, object?[]> toColumns, Func<NpgsqlDataReader, int, T> read)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(toColumns);
        ArgumentNullException.ThrowIfNull(read);

        // A copy, so that later changes to the caller's list cannot desynchronise the generated SQL.
        Columns = [.. columns];
        ToColumns = toColumns;
        Read = read;
    }

    /// <summary>The column names, in mapping order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Turns a value into one value per column of <see cref="Columns"/>.</summary>
    public Func<T, object?[]> ToColumns { get; }

    /// <summary>Reads a value from the current row of a reader, starting at the given ordinal.</summary>
    public Func<NpgsqlDataReader, int, T> Read { get; }
}
