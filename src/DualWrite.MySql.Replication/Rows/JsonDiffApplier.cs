using System.Globalization;
using System.Text;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Rows;

/// <summary>Applies the JSON diffs of a PARTIAL_UPDATE_ROWS event to a JSON document.</summary>
/// <remarks>
/// https://dev.mysql.com/doc/dev/mysql-server/latest/classJson__diff__vector.html
/// <para>
/// A diff list is a 4-byte little-endian byte count followed by diffs, each an operation byte (0 REPLACE, 1 INSERT,
/// 2 REMOVE), a packed-integer length and a JSON path in MySQL's text syntax (<c>$.a[2]."b c"</c>), and, except for
/// REMOVE, a packed-integer length and a binary JSON value (type byte first). The diffs apply in order with the
/// semantics of MySQL's apply_json_diffs(): REPLACE needs the path to exist; INSERT needs the parent to exist and, in
/// an object, the member not to; REMOVE needs the path to exist. A diff that does not apply means the before image was
/// not the document the server changed, which is reported as corruption.
/// </para>
/// </remarks>
internal static class JsonDiffApplier
{
    private const byte Replace = 0;
    private const byte Insert = 1;
    private const byte Remove = 2;

    private const string What = "a partial JSON update";

    /// <summary>
    /// Reads the binary diff list of one JSON column at <paramref name="offset"/> (advancing past it) and applies it to
    /// <paramref name="beforeJson"/>, returning the JSON text after the update.
    /// </summary>
    /// <exception cref="BinlogException">BinlogCorrupt when the diff list is malformed or does not apply.</exception>
    public static string Apply(string beforeJson, ReadOnlySpan<byte> data, ref int offset)
    {
        ArgumentNullException.ThrowIfNull(beforeJson);
        var length = RowBytes.U32(data, ref offset, What);
        var diffs = RowBytes.Take(data, ref offset, length, What);
        var document = JsonNode.Parse(beforeJson);
        var p = 0;
        while (p < diffs.Length)
        {
            var operation = RowBytes.U8(diffs, ref p, What);
            if (operation > Remove)
            {
                throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"unknown operation {operation}."));
            }
            var pathText = Encoding.UTF8.GetString(RowBytes.PackedBytes(diffs, ref p, What));
            var path = JsonPath.Parse(pathText);
            JsonNode? value = null;
            if (operation != Remove)
            {
                var binary = RowBytes.PackedBytes(diffs, ref p, What);
                if (binary.IsEmpty)
                {
                    throw Corrupt($"the value for {pathText} is empty.");
                }
                value = JsonNode.Parse(MySqlJsonBinary.ToJson(binary, What));
            }
            ApplyOne(document, operation, path, pathText, value);
        }
        var text = new StringBuilder(beforeJson.Length + 16);
        document.Write(text);
        return text.ToString();
    }

    private static void ApplyOne(JsonNode document, byte operation, JsonPath path, string pathText, JsonNode? value)
    {
        if (path.Legs.Count == 0)
        {
            throw Rejected(operation, pathText);
        }
        var parent = Seek(document, path, path.Legs.Count - 1) ?? throw Rejected(operation, pathText);
        var last = path.Legs[^1];
        switch (operation)
        {
            case Replace:
                if (parent.Members is not null && last.Member is not null && parent.IndexOfMember(last.Member) is var m and >= 0)
                {
                    parent.Members[m] = new(last.Member, value!);
                    return;
                }
                if (parent.Items is not null && last.Member is null && last.Position(parent.Items.Count) is var r && r < parent.Items.Count)
                {
                    parent.Items[r] = value!;
                    return;
                }
                break;
            case Insert:
                if (parent.Members is not null && last.Member is not null && parent.IndexOfMember(last.Member) < 0)
                {
                    parent.AddMember(last.Member, value!);
                    return;
                }
                if (parent.Items is not null && last.Member is null)
                {
                    parent.Items.Insert(last.Position(parent.Items.Count), value!);
                    return;
                }
                break;
            default:
                if (parent.Members is not null && last.Member is not null && parent.IndexOfMember(last.Member) is var k and >= 0)
                {
                    parent.Members.RemoveAt(k);
                    return;
                }
                if (parent.Items is not null && last.Member is null && last.Position(parent.Items.Count) is var i && i < parent.Items.Count)
                {
                    parent.Items.RemoveAt(i);
                    return;
                }
                break;
        }
        throw Rejected(operation, pathText);
    }

    // seek_exact_path: follow member legs through objects and cell legs through arrays, without auto-wrapping.
    private static JsonNode? Seek(JsonNode node, JsonPath path, int legCount)
    {
        for (var i = 0; i < legCount; i++)
        {
            var leg = path.Legs[i];
            if (node.Members is not null && leg.Member is not null)
            {
                var index = node.IndexOfMember(leg.Member);
                if (index < 0)
                {
                    return null;
                }
                node = node.Members[index].Value;
            }
            else if (node.Items is not null && leg.Member is null)
            {
                var position = leg.Position(node.Items.Count);
                if (position >= node.Items.Count)
                {
                    return null;
                }
                node = node.Items[position];
            }
            else
            {
                return null;
            }
        }
        return node;
    }

    private static BinlogException Rejected(byte operation, string path) =>
        Corrupt(string.Create(CultureInfo.InvariantCulture,
            $"{(operation == Replace ? "REPLACE" : operation == Insert ? "INSERT" : "REMOVE")} at {path} does not apply to the before image."));

    private static BinlogException Corrupt(string detail) => BinlogException.BinlogCorrupt($"Malformed {What}: {detail}");

    /// <summary>A parsed JSON path of member and array-cell legs (no wildcards or ranges: diffs never carry them).</summary>
    private sealed class JsonPath
    {
        public List<Leg> Legs { get; } = [];

        // https://dev.mysql.com/doc/refman/8.4/en/json.html#json-path-syntax
        public static JsonPath Parse(string text)
        {
            var path = new JsonPath();
            var i = SkipSpace(text, 0);
            if (i >= text.Length || text[i] != '$')
            {
                throw Corrupt($"path '{text}' does not start with '$'.");
            }
            i++;
            while ((i = SkipSpace(text, i)) < text.Length)
            {
                if (text[i] == '.')
                {
                    i = SkipSpace(text, i + 1);
                    if (i < text.Length && text[i] == '"')
                    {
                        var end = i;
                        var name = JsonNode.ParseString(text, ref end);
                        path.Legs.Add(new Leg(name, 0, fromEnd: false));
                        i = end;
                    }
                    else
                    {
                        var start = i;
                        while (i < text.Length && text[i] is not ('.' or '[' or ' ' or '\t' or '\n' or '\r'))
                        {
                            i++;
                        }
                        if (i == start || text[start] == '*')
                        {
                            throw Corrupt($"path '{text}' has an empty or wildcard member.");
                        }
                        path.Legs.Add(new Leg(text[start..i], 0, fromEnd: false));
                    }
                }
                else if (text[i] == '[')
                {
                    i = SkipSpace(text, i + 1);
                    var fromEnd = false;
                    ulong index = 0;
                    if (i + 4 <= text.Length && string.CompareOrdinal(text, i, "last", 0, 4) == 0)
                    {
                        fromEnd = true;
                        i = SkipSpace(text, i + 4);
                        if (i < text.Length && text[i] == '-')
                        {
                            i = SkipSpace(text, i + 1);
                            index = ReadIndex(text, ref i);
                        }
                    }
                    else
                    {
                        index = ReadIndex(text, ref i);
                    }
                    i = SkipSpace(text, i);
                    if (i >= text.Length || text[i] != ']')
                    {
                        throw Corrupt($"path '{text}' has an unterminated array index.");
                    }
                    i++;
                    path.Legs.Add(new Leg(null, index, fromEnd));
                }
                else
                {
                    throw Corrupt($"path '{text}' has an unexpected '{text[i]}'.");
                }
            }
            return path;
        }

        private static ulong ReadIndex(string text, ref int i)
        {
            var start = i;
            ulong value = 0;
            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                value = Math.Min((value * 10) + (ulong)(text[i] - '0'), uint.MaxValue);
                i++;
            }
            return i > start ? value : throw Corrupt($"path '{text}' has an array index without digits.");
        }

        private static int SkipSpace(string text, int i)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            return i;
        }
    }

    /// <summary>A member leg (<see cref="Member"/> set) or an array-cell leg.</summary>
    private readonly struct Leg(string? member, ulong index, bool fromEnd)
    {
        public string? Member { get; } = member;

        /// <summary>Json_array_index: a cell counted from the start is clamped to the size, one from the end to 0.</summary>
        public int Position(int size)
        {
            if (fromEnd)
            {
                return index < (ulong)size ? size - (int)index - 1 : 0;
            }
            return (int)Math.Min(index, (ulong)size);
        }
    }

    /// <summary>A small JSON DOM that keeps number text as written and prints as MySQL does.</summary>
    private sealed class JsonNode
    {
        private const int MaxDepth = 200;

        // Raw text of a number or literal; the value of a string.
        private string? _scalar;
        private bool _isString;

        public List<JsonNode>? Items { get; private init; }

        public List<KeyValuePair<string, JsonNode>>? Members { get; private init; }

        public static JsonNode Parse(string text)
        {
            var i = 0;
            var node = ParseValue(text, ref i, 0);
            SkipSpace(text, ref i);
            return i == text.Length ? node : throw Corrupt("the JSON text has trailing characters.");
        }

        public int IndexOfMember(string key)
        {
            for (var i = 0; i < Members!.Count; i++)
            {
                if (string.Equals(Members[i].Key, key, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            return -1;
        }

        // MySQL keeps object members ordered by key length in bytes, then by bytes.
        public void AddMember(string key, JsonNode value)
        {
            var position = 0;
            while (position < Members!.Count && CompareKeys(Members[position].Key, key) < 0)
            {
                position++;
            }
            Members.Insert(position, new(key, value));
        }

        public void Write(StringBuilder text)
        {
            if (Items is not null)
            {
                text.Append('[');
                for (var i = 0; i < Items.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    Items[i].Write(text);
                }
                text.Append(']');
            }
            else if (Members is not null)
            {
                text.Append('{');
                for (var i = 0; i < Members.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    MySqlJsonText.AppendString(text, Members[i].Key);
                    text.Append(": ");
                    Members[i].Value.Write(text);
                }
                text.Append('}');
            }
            else if (_isString)
            {
                MySqlJsonText.AppendString(text, _scalar);
            }
            else
            {
                text.Append(_scalar);
            }
        }

        private static int CompareKeys(string a, string b)
        {
            var x = Encoding.UTF8.GetBytes(a);
            var y = Encoding.UTF8.GetBytes(b);
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
        }

        private static JsonNode ParseValue(string text, ref int i, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Corrupt("the JSON text is nested too deeply.");
            }
            SkipSpace(text, ref i);
            if (i >= text.Length)
            {
                throw Corrupt("the JSON text ends early.");
            }
            switch (text[i])
            {
                case '{':
                {
                    var node = new JsonNode { Members = [] };
                    i++;
                    SkipSpace(text, ref i);
                    if (i < text.Length && text[i] == '}')
                    {
                        i++;
                        return node;
                    }
                    while (true)
                    {
                        SkipSpace(text, ref i);
                        if (i >= text.Length || text[i] != '"')
                        {
                            throw Corrupt("an object key is not a string.");
                        }
                        var key = ParseString(text, ref i);
                        SkipSpace(text, ref i);
                        Expect(text, ref i, ':');
                        node.Members.Add(new(key, ParseValue(text, ref i, depth + 1)));
                        SkipSpace(text, ref i);
                        if (i < text.Length && text[i] == ',')
                        {
                            i++;
                            continue;
                        }
                        Expect(text, ref i, '}');
                        return node;
                    }
                }
                case '[':
                {
                    var node = new JsonNode { Items = [] };
                    i++;
                    SkipSpace(text, ref i);
                    if (i < text.Length && text[i] == ']')
                    {
                        i++;
                        return node;
                    }
                    while (true)
                    {
                        node.Items.Add(ParseValue(text, ref i, depth + 1));
                        SkipSpace(text, ref i);
                        if (i < text.Length && text[i] == ',')
                        {
                            i++;
                            continue;
                        }
                        Expect(text, ref i, ']');
                        return node;
                    }
                }
                case '"':
                    return new JsonNode { _scalar = ParseString(text, ref i), _isString = true };
                default:
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '+' or '.'))
                    {
                        i++;
                    }
                    var token = text[start..i];
                    if (token is "true" or "false" or "null" || IsNumber(token))
                    {
                        return new JsonNode { _scalar = token };
                    }
                    throw Corrupt($"'{(token.Length > 0 ? token : text[i].ToString())}' is not a JSON value.");
                }
            }
        }

        private static bool IsNumber(string token)
        {
            var i = 0;
            if (i < token.Length && token[i] == '-')
            {
                i++;
            }
            var digits = i;
            while (i < token.Length && char.IsAsciiDigit(token[i]))
            {
                i++;
            }
            if (i == digits)
            {
                return false;
            }
            if (i < token.Length && token[i] == '.')
            {
                var fraction = ++i;
                while (i < token.Length && char.IsAsciiDigit(token[i]))
                {
                    i++;
                }
                if (i == fraction)
                {
                    return false;
                }
            }
            if (i < token.Length && token[i] is 'e' or 'E')
            {
                i++;
                if (i < token.Length && token[i] is '+' or '-')
                {
                    i++;
                }
                var exponent = i;
                while (i < token.Length && char.IsAsciiDigit(token[i]))
                {
                    i++;
                }
                if (i == exponent)
                {
                    return false;
                }
            }
            return i == token.Length;
        }

        /// <summary>Parses a double-quoted JSON string starting at <paramref name="i"/>.</summary>
        public static string ParseString(string text, ref int i)
        {
            var value = new StringBuilder();
            i++; // opening quote
            while (true)
            {
                if (i >= text.Length)
                {
                    throw Corrupt("a JSON string is not terminated.");
                }
                var c = text[i++];
                if (c == '"')
                {
                    return value.ToString();
                }
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                if (i >= text.Length)
                {
                    throw Corrupt("a JSON string ends in an escape.");
                }
                var e = text[i++];
                switch (e)
                {
                    case '"' or '\\' or '/':
                        value.Append(e);
                        break;
                    case 'b':
                        value.Append('\b');
                        break;
                    case 'f':
                        value.Append('\f');
                        break;
                    case 'n':
                        value.Append('\n');
                        break;
                    case 'r':
                        value.Append('\r');
                        break;
                    case 't':
                        value.Append('\t');
                        break;
                    case 'u' when i + 4 <= text.Length
                        && ushort.TryParse(text.AsSpan(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                        value.Append((char)code);
                        i += 4;
                        break;
                    default:
                        throw Corrupt($"invalid escape '\\{e}' in a JSON string.");
                }
            }
        }

        private static void Expect(string text, ref int i, char c)
        {
            if (i >= text.Length || text[i] != c)
            {
                throw Corrupt($"expected '{c}' in the JSON text.");
            }
            i++;
        }

        private static void SkipSpace(string text, ref int i)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\r')
            {
                i++;
            }
        }
    }
}
