using DualWrite.Core.Relational;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>How the key or the value of a <see cref="MySqlTableMapping{TKey, TValue}"/> maps to table columns.</summary>
/// <typeparam name="T">The CLR type of the part.</typeparam>
public sealed class MySqlColumnMap<T> : ColumnMap<T, MySqlDataReader>
{
    /// <summary>Creates a map.</summary>
    /// <param name="columns">The column names, in the order <paramref name="toColumns"/> returns values and <paramref name="read"/> reads them.</param>
    /// <param name="toColumns">Turns a value into one value per column (SQL NULL as <see langword="null"/>).</param>
    /// <param name="read">Reads a value from the current row; the second argument is the ordinal of the first column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public MySqlColumnMap(IReadOnlyList<string> columns, Func<T, object?[]> toColumns, Func<MySqlDataReader, int, T> read)
        : base(columns, toColumns, read)
    {
    }
}
