namespace DualWrite.Migration.Plans;

/// <summary>The keys each section of a plan file accepts (docs/migration-plans.md), and the nearest one to a misspelling.</summary>
internal static class PlanKeys
{
    public static readonly string[] Root = ["name", "source", "target", "backfill", "cdc", "reconcile", "secondaryErrors", "ddl", "gates", "entities"];
    public static readonly string[] Source = ["host", "port", "user", "passwordEnv", "database", "connectionStringEnv"];
    public static readonly string[] Target = ["host", "port", "user", "passwordEnv", "database", "schema", "connectionStringEnv"];
    public static readonly string[] Backfill = ["chunkSize", "parallelism", "maxRowsPerSecond", "maxTargetLatency"];
    public static readonly string[] Cdc = ["batchSize", "lagBound", "parallelism"];
    public static readonly string[] Reconcile = ["maxAge", "recheckBound"];
    public static readonly string[] SecondaryErrors = ["window", "maxErrorRate", "maxMismatchRate", "minOperations"];
    public static readonly string[] Entity = ["table", "name", "target", "key", "version", "chunkSize", "exclude", "columns"];
    public static readonly string[] Column = ["source", "target", "transform"];

    /// <summary>The message for <paramref name="key"/>, which is not one of <paramref name="valid"/>.</summary>
    public static string Unknown(string key, IReadOnlyList<string> valid)
    {
        var nearest = Nearest(key, valid);
        return nearest is null
            ? $"unknown key `{key}`; expected one of {string.Join(", ", valid)}"
            : $"unknown key `{key}`; did you mean `{nearest}`?";
    }

    /// <summary>The valid key closest to <paramref name="key"/> (ignoring case), when it is close enough to be a slip.</summary>
    public static string? Nearest(string key, IReadOnlyList<string> valid)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in valid)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A third of the word may be wrong; beyond that a suggestion is a guess.
        return bestDistance <= Math.Max(1, key.Length / 3) ? best : null;
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j], d[i, j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
