using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace DualWrite.MySql;

/// <summary>
/// A value bound into a command's text, by name (<c>@name</c>) or position (<c>?</c>). Values are
/// sent as escaped SQL literals that honour the server's NO_BACKSLASH_ESCAPES mode.
/// </summary>
public sealed class MySqlParameter : DbParameter
{
    private string _name = "";

    /// <summary>Creates an unnamed parameter (for <c>?</c> placeholders).</summary>
    public MySqlParameter()
    {
    }

    /// <summary>Creates a parameter with a name and value.</summary>
    public MySqlParameter(string? parameterName, object? value)
    {
        ParameterName = parameterName;
        Value = value;
    }

    /// <inheritdoc />
    public override DbType DbType { get; set; } = DbType.Object;

    /// <inheritdoc />
    /// <remarks>Only <see cref="ParameterDirection.Input"/> is supported.</remarks>
    public override ParameterDirection Direction
    {
        get => ParameterDirection.Input;
        set
        {
            if (value != ParameterDirection.Input)
            {
                throw new NotSupportedException($"Parameter '{_name}': only input parameters are supported, not {value}.");
            }
        }
    }

    /// <inheritdoc />
    public override bool IsNullable { get; set; }

    /// <inheritdoc />
    [AllowNull]
    public override string ParameterName
    {
        get => _name;
        set => _name = value ?? "";
    }

    /// <summary>The name without its leading <c>@</c> or <c>?</c>, used to match placeholders.</summary>
    internal string NormalizedName => _name.Length > 0 && (_name[0] == '@' || _name[0] == '?') ? _name[1..] : _name;

    /// <inheritdoc />
    public override int Size { get; set; }

    /// <inheritdoc />
    [AllowNull]
    public override string SourceColumn { get; set; } = "";

    /// <inheritdoc />
    public override bool SourceColumnNullMapping { get; set; }

    /// <inheritdoc />
    public override object? Value { get; set; }

    /// <inheritdoc />
    public override void ResetDbType() => DbType = DbType.Object;
}
