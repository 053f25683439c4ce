namespace DualWrite.Core.Routing;

/// <summary>
/// The columns the durable repair logs share, and the one set of rules that fits an entry's text into them: an
/// entity of at most <see cref="MaxEntityLength"/> characters, a key of at most <see cref="MaxKeyLength"/> as text,
/// a reason cut to <see cref="MaxReasonLength"/>. A log whose server cannot store NUL in text says so, and NUL is then
/// refused in the entity and key and replaced in the reason.
/// </summary>
public static class RepairLogText
{
    /// <summary>The longest entity name a log holds.</summary>
    public const int MaxEntityLength = 128;

    /// <summary>The longest key a log holds, as text.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>The reason's length; longer ones are cut (<see cref="FitReason"/>).</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>Checks the entity and target of <paramref name="entry"/>, before anything is sent.</summary>
    /// <exception cref="ArgumentException">The entity is too long (or holds a NUL where <paramref name="nulAllowed"/> is false), or the target is not a store role.</exception>
    public static void CheckEntry<TKey>(RepairEntry<TKey> entry, bool nulAllowed)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(entry);
        CheckText(entry.Entity, "entity", MaxEntityLength, nameof(entry), nulAllowed);
        if (!Enum.IsDefined(entry.Target))
        {
            throw new ArgumentException($"Repair entry target {entry.Target} is not a store role.", nameof(entry));
        }
    }

    /// <summary>The key as the log stores it, through the log's codec.</summary>
    /// <exception cref="ArgumentException">The codec returned null, or text too long (or with a NUL where <paramref name="nulAllowed"/> is false).</exception>
    public static string KeyText<TKey>(TKey key, Func<TKey, string> formatKey, bool nulAllowed)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(formatKey);
        var text = formatKey(key) ?? throw new ArgumentException($"The repair log's key codec returned null for key '{key}'.", nameof(key));
        CheckText(text, $"key '{key}' as text", MaxKeyLength, nameof(key), nulAllowed);
        return text;
    }

    /// <summary>Rejects text a column cannot hold as it is: longer than <paramref name="max"/> characters, or with a NUL where <paramref name="nulAllowed"/> is false.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text does not fit.</exception>
    public static void CheckText(string? text, string what, int max, string parameter, bool nulAllowed)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        if (text.Length > max)
        {
            throw new ArgumentException($"The repair entry's {what} is {text.Length} characters long; the repair log holds at most {max}.", parameter);
        }

        if (!nulAllowed && text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The repair entry's {what} holds a NUL character, which the repair log's server cannot store in text.", parameter);
        }
    }

    /// <summary>
    /// Cuts a reason to <see cref="MaxReasonLength"/> without splitting a surrogate pair, and replaces lone surrogates
    /// (and NUL, where <paramref name="replaceNul"/>) with U+FFFD: the reason usually quotes an exception message, and
    /// a failure to store it must not hide the failure it describes.
    /// </summary>
    public static string FitReason(string? reason, bool replaceNul)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "";
        }

        var length = Math.Min(reason.Length, MaxReasonLength);
        if (length < reason.Length && char.IsHighSurrogate(reason[length - 1]) && char.IsLowSurrogate(reason[length]))
        {
            length--;
        }

        return string.Create(length, (reason, replaceNul), static (text, state) =>
        {
            var source = state.reason;
            for (var i = 0; i < text.Length; i++)
            {
                var c = source[i];
                var paired = char.IsHighSurrogate(c)
                    ? i + 1 < text.Length && char.IsLowSurrogate(source[i + 1])
                    : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(source[i - 1]);
                text[i] = (state.replaceNul && c == '\0') || (char.IsSurrogate(c) && !paired) ? '\uFFFD' : c;
            }
        });
    }
}
