namespace DualWrite.MySql.Stores;

/// <summary>
/// How one part of a row (the key or the value) maps to table columns: the columns' names, how a CLR value becomes
/// their values, and how it is read back from a result row. Reading starts at a given ordinal, so the same map reads
/// the part wherever a query places it.
/// </summary>
/// <typeparam name="T">The CLR type of the part.</typeparam>
public sealed class MySqlColumnMap<T>
{
    /// <summary>Creates a map.</summary>
    /// <param name="columns">The column names, in the order <paramref name="toColumns"/> returns values and <paramref name="read"/> reads them.</param>
    /// <param name="toColumns">Turns a value into one value per column (SQL NULL as <see langword="null"/>).</param>
    /// <param name="read">Reads a value from the current row; the second argument is the ordinal of the first column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public MySqlColumnMap(IReadOnlyList<string> columns, Func<T, object?[]> toColumns, Func<MySqlDataReader, int, T> read)
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
    public Func<MySqlDataReader, int, T> Read { get; }
}
