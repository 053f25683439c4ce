using System.Collections;
using System.Data.Common;

namespace DualWrite.MySql;

/// <summary>The parameters of a <see cref="MySqlCommand"/>.</summary>
public sealed class MySqlParameterCollection : DbParameterCollection
{
    private readonly List<MySqlParameter> _items = [];

    /// <summary>Adds a parameter with a name and value and returns it.</summary>
    public MySqlParameter AddWithValue(string parameterName, object? value)
    {
        var parameter = new MySqlParameter(parameterName, value);
        _items.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a parameter.</summary>
    public MySqlParameter Add(MySqlParameter parameter)
    {
        _items.Add(parameter);
        return parameter;
    }

    /// <inheritdoc />
    public override int Count => _items.Count;

    /// <inheritdoc />
    public override object SyncRoot => ((ICollection)_items).SyncRoot;

    /// <summary>Gets the parameter at a position.</summary>
    public new MySqlParameter this[int index] => _items[index];

    /// <inheritdoc />
    public override int Add(object value)
    {
        _items.Add(Cast(value));
        return _items.Count - 1;
    }

    /// <inheritdoc />
    public override void AddRange(Array values)
    {
        foreach (var value in values)
        {
            Add(value!);
        }
    }

    /// <inheritdoc />
    public override void Clear() => _items.Clear();

    /// <inheritdoc />
    public override bool Contains(object value) => value is MySqlParameter p && _items.Contains(p);

    /// <inheritdoc />
    public override bool Contains(string value) => IndexOf(value) >= 0;

    /// <inheritdoc />
    public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public override int IndexOf(object value) => value is MySqlParameter p ? _items.IndexOf(p) : -1;

    /// <inheritdoc />
    public override int IndexOf(string parameterName)
    {
        var name = parameterName.Length > 0 && parameterName[0] is '@' or '?' ? parameterName[1..] : parameterName;
        return FindNormalized(name);
    }

    internal int FindNormalized(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (name.Equals(_items[i].NormalizedName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override void Insert(int index, object value) => _items.Insert(index, Cast(value));

    /// <inheritdoc />
    public override void Remove(object value) => _items.Remove(Cast(value));

    /// <inheritdoc />
    public override void RemoveAt(int index) => _items.RemoveAt(index);

    /// <inheritdoc />
    public override void RemoveAt(string parameterName) => _items.RemoveAt(IndexOfOrThrow(parameterName));

    /// <inheritdoc />
    protected override DbParameter GetParameter(int index) => _items[index];

    /// <inheritdoc />
    protected override DbParameter GetParameter(string parameterName) => _items[IndexOfOrThrow(parameterName)];

    /// <inheritdoc />
    protected override void SetParameter(int index, DbParameter value) => _items[index] = Cast(value);

    /// <inheritdoc />
    protected override void SetParameter(string parameterName, DbParameter value) => _items[IndexOfOrThrow(parameterName)] = Cast(value);

    private int IndexOfOrThrow(string parameterName)
    {
        var index = IndexOf(parameterName);
        return index >= 0 ? index : throw new ArgumentException($"No parameter named '{parameterName}'.", nameof(parameterName));
    }

    private static MySqlParameter Cast(object value) => value as MySqlParameter
        ?? throw new ArgumentException($"Expected a MySqlParameter, got {value?.GetType().Name ?? "null"}.", nameof(value));
}
