using System.Text;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// Mutants of a real plan file, reproducible from a seed: one to three edits of the kinds a hand, an editor or a
/// template engine makes — a flipped, deleted or inserted character, a cut file, a deleted, doubled, swapped or
/// re-indented line, a value replaced by one of the wrong type or size, an unknown key, a tab, YAML's own syntax
/// (anchors, tags, flow collections), quotes and backticks in identifiers, text that is not valid UTF-8.
/// </summary>
internal static class PlanMutator
{
    private static readonly string[] Values =
    [
        "", "-1", "0", "1", "99999999999999999999", "2147483648", "1e400", "NaN", "abc", "true", "~", "null", "[", "]", "{", "}",
        "[1, 2]", "{ a: 1 }", "\"unterminated", "'", "`x`", "a`b", "a\"b", "a'b", "x; DROP TABLE t", "é", "\u0000", "\u202e", "😀",
        "&anchor", "*alias", "!!binary AAAA", "!custom x", "${HOME}", "%YAML 1.2", "---", "...", "- item", "? key", "| block",
        "> folded", "#comment", "1ms", "-5s", "5 years", "0s", "10h", new string('x', 5000), "127.0.0.1", "localhost", "::1",
        "DUALWRITE_MYSQL_PASSWORD", "NO_SUCH_VARIABLE", "stop", "apply-compatible", "ignore",
    ];

    private static readonly string[] Keys =
    [
        "name", "source", "target", "host", "port", "user", "passwordEnv", "database", "schema", "connectionStringEnv", "backfill",
        "chunkSize", "parallelism", "maxRowsPerSecond", "maxTargetLatency", "cdc", "batchSize", "lagBound", "ddl", "gates", "entities",
        "table", "key", "version", "columns", "reconcile", "unknownKey", "Source", "  ", "",
    ];

    /// <summary>The <paramref name="index"/>th mutant of <paramref name="original"/> under <paramref name="seed"/>, as the bytes of a file, and what was done.</summary>
    public static (byte[] Bytes, string Edits) Mutate(string original, int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var text = original;
        var edits = new List<string>();
        var invalidUtf8 = false;
        for (var edit = random.Next(1, 4); edit > 0; edit--)
        {
            var lines = text.Split('\n').ToList();
            var line = random.Next(lines.Count);
            switch (random.Next(14))
            {
                case 0 when text.Length > 0:
                    var at = random.Next(text.Length);
                    text = text[..at] + (char)random.Next(0, 128) + text[(at + 1)..];
                    edits.Add($"char {at} replaced");
                    break;
                case 1 when text.Length > 0:
                    var cut = random.Next(text.Length);
                    text = text[..cut];
                    edits.Add($"cut at {cut}");
                    break;
                case 2:
                    lines.RemoveAt(line);
                    text = string.Join('\n', lines);
                    edits.Add($"line {line + 1} deleted");
                    break;
                case 3:
                    lines.Insert(line, lines[line]);
                    text = string.Join('\n', lines);
                    edits.Add($"line {line + 1} doubled");
                    break;
                case 4:
                    var other = random.Next(lines.Count);
                    (lines[line], lines[other]) = (lines[other], lines[line]);
                    text = string.Join('\n', lines);
                    edits.Add($"lines {line + 1} and {other + 1} swapped");
                    break;
                case 5:
                    lines[line] = random.Next(2) == 0 ? "  " + lines[line] : lines[line].TrimStart();
                    text = string.Join('\n', lines);
                    edits.Add($"line {line + 1} re-indented");
                    break;
                case 6 or 7 or 8:
                    var colon = lines[line].IndexOf(':', StringComparison.Ordinal);
                    var value = Values[random.Next(Values.Length)];
                    lines[line] = colon >= 0 ? lines[line][..(colon + 1)] + " " + value : lines[line] + value;
                    text = string.Join('\n', lines);
                    edits.Add($"line {line + 1} value `{Shorten(value)}`");
                    break;
                case 9:
                    var indent = new string(' ', 2 * random.Next(0, 3));
                    var key = Keys[random.Next(Keys.Length)];
                    lines.Insert(line, $"{indent}{key}: {Values[random.Next(Values.Length)]}");
                    text = string.Join('\n', lines);
                    edits.Add($"key `{key}` inserted at line {line + 1}");
                    break;
                case 10:
                    var colonAt = lines[line].IndexOf(':', StringComparison.Ordinal);
                    if (colonAt > 0)
                    {
                        var renamed = Keys[random.Next(Keys.Length)];
                        var start = lines[line].Length - lines[line].TrimStart().Length;
                        lines[line] = lines[line][..start] + renamed + lines[line][colonAt..];
                        text = string.Join('\n', lines);
                        edits.Add($"line {line + 1} key renamed `{renamed}`");
                    }

                    break;
                case 11:
                    lines[line] = "\t" + lines[line];
                    text = string.Join('\n', lines);
                    edits.Add($"tab at line {line + 1}");
                    break;
                case 12:
                    text = random.Next(4) == 0 ? "" : text.Replace("\n", random.Next(2) == 0 ? "\r\n" : "\r", StringComparison.Ordinal);
                    edits.Add(text.Length == 0 ? "emptied" : "line ends changed");
                    break;
                default:
                    invalidUtf8 = true;
                    edits.Add("invalid UTF-8 inserted");
                    break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (invalidUtf8)
        {
            var at = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
            bytes = [.. bytes[..at], 0xC3, 0x28, 0xFF, .. bytes[at..]];
        }

        return (bytes, string.Join(", ", edits));
    }

    private static string Shorten(string value) => value.Length > 20 ? value[..20] + "…" : value;
}
