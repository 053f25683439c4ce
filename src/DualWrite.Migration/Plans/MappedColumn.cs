using DualWrite.Migration.Schema;
using DualWrite.MySql.Schema;

namespace DualWrite.Migration.Plans;

/// <summary>A source column copied to a target column: the target's name and type, and the transform on the way.</summary>
/// <param name="Source">The source column.</param>
/// <param name="Target">The target column's name.</param>
/// <param name="Type">The target column's type (from <see cref="TypeMapping"/>).</param>
/// <param name="Transform">The transform applied before the type's conversion (text columns only).</param>
public sealed record MappedColumn(MySqlColumn Source, string Target, TargetColumnType Type, ColumnTransform Transform)
{
    /// <summary>The value to write for a source value: the transform, then the type's conversion; null (or DBNull) stays null.</summary>
    /// <exception cref="TargetValueException">The target type cannot hold the value.</exception>
    public object? Apply(object? value)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        if (value is string text)
        {
            value = Transform switch
            {
                ColumnTransform.Trim => text.Trim(),
                ColumnTransform.Lower => text.ToLowerInvariant(),
                ColumnTransform.Upper => text.ToUpperInvariant(),
                _ => text,
            };
        }

        return Type.Convert(value);
    }
}
