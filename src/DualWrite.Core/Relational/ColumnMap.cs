namespace DualWrite.Core.Relational;

/// <summary>
/// How one part of a row (the key or the value) maps to table columns in a SQL store adapter: the columns' names, how a
/// CLR value becomes their values, and how it is read back from a result row of the adapter's reader. Reading starts
/// at a given ordinal, so the same map reads the part wherever a query places it.
/// </summary>
/// <typeparam name="T">The CLR type of the part.</typeparam>
/// <typeparam name="TReader">The adapter's data reader.</typeparam>
public abstract class ColumnMap<T, TReader>
{
    /// <summary>Creates a map.</summary>
    /// <param name="columns">The column names, in the order <paramref name="toColumns"/> returns values and <paramref name="read"/> reads them.</param>
    /// <param name="toColumns">Turns a value into one value per column (SQL NULL as <see langword="null"/>).</param>
    /// <param name="read">Reads a value from the current row; the second argument is the ordinal of the first column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    protected ColumnMap(IReadOnlyList<string> columns, Func<T, object?[]> toColumns, Func<TReader, int, T> read)
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
    public Func<TReader, int, T> Read { get; }

    /// <summary>
    /// <see cref="ToColumns"/>, checked: one value per column and, for a key (<paramref name="isKey"/>), none of them
    /// NULL, so that a bad mapping fails before anything is sent.
    /// </summary>
    /// <param name="value">The value to convert.</param>
    /// <param name="isKey">Whether the part is the key, whose columns must all have values.</param>
    /// <param name="table">The table as messages name it.</param>
    /// <param name="parameterName">The caller's parameter, named by the exception.</param>
    /// <exception cref="ArgumentException">The conversion returned no values, the wrong number, or a NULL key column.</exception>
    public object?[] CheckedColumns(T value, bool isKey, string table, string parameterName)
    {
        var part = isKey ? "key" : "value";
        var values = ToColumns(value) ?? throw new ArgumentException($"The {part} mapping of table '{table}' returned no values.", parameterName);
        if (values.Length != Columns.Count)
        {
            throw new ArgumentException(
                $"The {part} mapping of table '{table}' returned {values.Length} value(s) for {Columns.Count} column(s) ({string.Join(", ", Columns)}).",
                parameterName);
        }

        for (var i = 0; isKey && i < values.Length; i++)
        {
            if (values[i] is null or DBNull)
            {
                throw new ArgumentException($"Key column '{Columns[i]}' of table '{table}' would be NULL; key columns must have values.", parameterName);
            }
        }

        return values;
    }
}
