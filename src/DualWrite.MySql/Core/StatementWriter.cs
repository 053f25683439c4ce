using DualWrite.MySql.Protocol.Serialization;
using DualWrite.MySql.Protocol.Text;

namespace DualWrite.MySql.Core;

/// <summary>
/// Writes a command's SQL into a COM_QUERY payload, replacing <c>@name</c> and <c>?</c> placeholders
/// with escaped literals (<c>?</c> takes the parameters in order). Placeholders inside quoted strings, quoted identifiers and comments are
/// left alone (executable comments <c>/*! */</c> excepted); an <c>@name</c> without a matching parameter stays a user variable.
/// </summary>
internal static class StatementWriter
{
    public static void Write(PayloadWriter writer, string sql, MySqlParameterCollection? parameters, bool noBackslashEscapes)
    {
        if (parameters is null || parameters.Count == 0)
        {
            writer.WriteUtf8(sql);
            return;
        }

        var text = sql.AsSpan();
        var copied = 0;
        var positional = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' or '"':
                    i = SkipQuoted(text, i, c, backslashEscapes: !noBackslashEscapes);
                    continue;
                case '`':
                    i = SkipQuoted(text, i, '`', backslashEscapes: false);
                    continue;
                case '#':
                    i = SkipLine(text, i);
                    continue;
                case '-' when i + 2 < text.Length && text[i + 1] == '-' && char.IsWhiteSpace(text[i + 2]):
                    i = SkipLine(text, i);
                    continue;
                case '-' when i + 2 == text.Length && text[i + 1] == '-':
                    i = text.Length;
                    continue;
                case '/' when i + 2 < text.Length && text[i + 1] == '*' && (text[i + 2] == '!' || (text[i + 2] == 'M' && i + 3 < text.Length && text[i + 3] == '!')):
                    // /*! ... */ and /*M! ... */ are executed by the server: their placeholders are bound.
                    i += 3;
                    continue;
                case '/' when i + 1 < text.Length && text[i + 1] == '*':
                {
                    var end = text[(i + 2)..].IndexOf("*/", StringComparison.Ordinal);
                    i = end < 0 ? text.Length : i + 2 + end + 2;
                    continue;
                }

                case '?':
                {
                    var parameter = NextPositional(parameters, ref positional, i, sql);
                    writer.WriteUtf8(text[copied..i]);
                    SqlLiteralWriter.Write(writer, parameter.Value);
                    i++;
                    copied = i;
                    continue;
                }

                case '@' when (i == 0 || text[i - 1] != '@') && i + 1 < text.Length && IsNameChar(text[i + 1]):
                {
                    var end = i + 1;
                    while (end < text.Length && IsNameChar(text[end]))
                    {
                        end++;
                    }

                    var index = parameters.FindNormalized(text[(i + 1)..end]);
                    if (index >= 0)
                    {
                        writer.WriteUtf8(text[copied..i]);
                        SqlLiteralWriter.Write(writer, parameters[index].Value);
                        copied = end;
                    }

                    i = end;
                    continue;
                }

                default:
                    i++;
                    continue;
            }
        }

        writer.WriteUtf8(text[copied..]);
    }

    private static MySqlParameter NextPositional(MySqlParameterCollection parameters, ref int positional, int position, string sql)
    {
        if (positional >= parameters.Count)
        {
            throw new InvalidOperationException(
                $"The command text has a '?' placeholder at position {position} but the command has only {parameters.Count} parameter(s) to bind by position ({Describe(sql)}).");
        }

        return parameters[positional++];
    }

    private static string Describe(string sql) => sql.Length <= 60 ? sql : string.Concat(sql.AsSpan(0, 57), "...");

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '.';

    private static int SkipQuoted(ReadOnlySpan<char> text, int start, char quote, bool backslashEscapes)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && backslashEscapes && quote != '`')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return text.Length;
    }

    private static int SkipLine(ReadOnlySpan<char> text, int start)
    {
        var end = text[start..].IndexOf('\n');
        return end < 0 ? text.Length : start + end + 1;
    }
}
