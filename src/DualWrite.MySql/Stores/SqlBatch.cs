using System.Text;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// SQL text with positional <c>?</c> parameters, built up statement by statement so that several statements go to the
/// server in one round trip. Values are always bound as parameters, never spliced into the text.
/// </summary>
internal sealed class SqlBatch
{
    private readonly StringBuilder _text = new();
    private readonly List<object?> _values = [];

    public bool IsEmpty => _text.Length == 0;

    public SqlBatch Append(string sql)
    {
        _text.Append(sql);
        return this;
    }

    /// <summary>Appends a complete statement and its terminator.</summary>
    public SqlBatch Statement(string sql)
    {
        _text.Append(sql).Append(";\n");
        return this;
    }

    public SqlBatch EndStatement()
    {
        _text.Append(";\n");
        return this;
    }

    public SqlBatch Value(object? value) => Append(Bind(value));

    /// <summary>
    /// Adds a parameter and returns its placeholder, <c>?</c>, for text appended next: positional parameters must
    /// appear in the order they were bound.
    /// </summary>
    public string Bind(object? value)
    {
        _values.Add(value);
        return "?";
    }

    /// <summary>Appends <c>?, ?, …</c> for <paramref name="values"/>.</summary>
    public SqlBatch Values(IReadOnlyList<object?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                _text.Append(", ");
            }

            Value(values[i]);
        }

        return this;
    }

    public MySqlCommand ToCommand(MySqlConnection connection)
    {
        // MySqlConnector wants the connection's open transaction on each of its commands: the caller's, when this runs in it.
        var command = new MySqlCommand(_text.ToString(), connection, MySqlStoreTransaction.TransactionOn(connection));
        foreach (var value in _values)
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        return command;
    }

    public async Task<int> ExecuteNonQueryAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var command = ToCommand(connection);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override string ToString() => _text.ToString();
}
