using System.Globalization;
using System.Text;

namespace DualWrite.PostgreSql.Tables;

/// <summary>
/// The text of one statement and its positional parameters (<c>$1</c>, <c>$2</c>, …). Every value is bound as a
/// parameter and cast to the column's own type, so statements never depend on how a value would be spelled in SQL.
/// </summary>
internal sealed class PgStatement
{
    private readonly StringBuilder _text = new();
    private readonly List<object?> _values = [];

    public string Text => _text.ToString();

    public PgStatement Append(string sql)
    {
        _text.Append(sql);
        return this;
    }

    /// <summary>Adds a parameter and returns its placeholder, <c>$n::type</c>, to use once or several times.</summary>
    public string Bind(object? value, string sqlType)
    {
        _values.Add(value);
        return "$" + _values.Count.ToString(CultureInfo.InvariantCulture) + "::" + sqlType;
    }

    /// <summary>Binds one value per column: the placeholders, cast to each column's type.</summary>
    public string[] BindAll(object?[] values, IReadOnlyList<string> sqlTypes)
    {
        var placeholders = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            placeholders[i] = Bind(values[i], sqlTypes[i]);
        }

        return placeholders;
    }

    public NpgsqlCommand ToCommand(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(Text, connection);
        AddParameters(command.Parameters);
        return command;
    }

    public NpgsqlBatchCommand ToBatchCommand()
    {
        var command = new NpgsqlBatchCommand(Text);
        AddParameters(command.Parameters);
        return command;
    }

    private void AddParameters(NpgsqlParameterCollection parameters)
    {
        foreach (var value in _values)
        {
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
