using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DualWrite.Migration.Plans;

/// <summary>
/// Reads one plan file into a <see cref="MigrationPlan"/>. It goes on after a problem so that one pass reports every
/// problem in the file; the plan is null when there was any.
/// </summary>
internal sealed partial class PlanDocumentReader
{
    public MigrationPlan? Read(TextReader text)
    {
        var stream = new YamlStream();
        var parser = new Parser(text);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            _problems.Add(new(new PlanLocation(_file, (int)ex.Start.Line, (int)ex.Start.Column), "yaml", SyntaxMessage(ex)));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and loader fail this way on some malformed input (an unclosed flow list, a key that is
            // only spaces before a comment); the last event it read is the nearest place.
            var at = parser.Current?.End ?? Mark.Empty;
            _problems.Add(new(new PlanLocation(_file, Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column)), "yaml", "invalid YAML: cannot read on after this point (an unclosed [, { or quote?)"));
            return null;
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            _problems.Add(new(new PlanLocation(_file, 1, 1), "plan", "the file is empty; a plan needs at least name, source, target and entities"));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Problem(stream.Documents[1].RootNode, "plan", "a plan file holds one YAML document; remove the second one (after `---`)");
        }

        var root = stream.Documents[0].RootNode;
        var fields = Fields(root, "", PlanKeys.Root);
        if (fields is null)
        {
            return null;
        }

        var name = Required(fields, root, "name", "the plan's name (used for checkpoints and metrics)") is { } nameField ? Name(nameField.Value, "name") : null;
        var source = Connection(fields, root, "source", PlanKeys.Source, target: false);
        var target = Connection(fields, root, "target", PlanKeys.Target, target: true);
        var backfill = Backfill(fields);
        var cdc = Cdc(fields);
        var reconcile = Reconcile(fields);
        var secondaryErrors = SecondaryErrors(fields);
        var ddl = Ddl(fields);
        var gateNames = Names(fields, "gates", "gates") ?? [];
        foreach (var (gate, location) in gateNames.Where(g => Gates.PlanGates.Unknown([g.Name]).Any()))
        {
            _problems.Add(new(location, "gates", $"no gate is called '{gate}'; the gates are {string.Join(", ", Gates.PlanGates.Known)}"));
        }

        var gates = gateNames.Select(g => g.Name).ToList();
        var entities = Entities(fields, root);
        return _problems.Count > 0
            ? null
            : new MigrationPlan(name!, _file, source!, target!, entities, backfill, cdc, ddl, gates) { Reconcile = reconcile, SecondaryErrors = secondaryErrors };
    }

    private Field? Required(Dictionary<string, Field> fields, YamlNode parent, string key, string what)
    {
        if (fields.TryGetValue(key, out var field))
        {
            return field;
        }

        Problem(parent, key, $"missing: {what}");
        return null;
    }

    /// <summary>A name used in checkpoints, metrics and flag names: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</summary>
    private string? Name(YamlNode node, string subject)
    {
        var name = Text(node, subject);
        if (name is not null && !PlainName().IsMatch(name))
        {
            Problem(node, subject, $"`{name}` is not a valid name; use letters, digits, '-', '_' and '.', starting with a letter or digit");
            return null;
        }

        return name;
    }

    private ConnectionPlan? Connection(Dictionary<string, Field> root, YamlNode rootNode, string section, IReadOnlyList<string> keys, bool target)
    {
        var server = target ? "the PostgreSQL target" : "the MySQL/MariaDB source";
        if (Required(root, rootNode, section, $"how to reach {server}") is not { } field || Fields(field.Value, section, keys) is not { } fields)
        {
            return null;
        }

        var connectionStringEnv = EnvironmentName(fields, "connectionStringEnv", Path(section, "connectionStringEnv"));
        string[] parts = ["host", "port", "user", "passwordEnv", "database"];
        if (fields.ContainsKey("connectionStringEnv"))
        {
            foreach (var part in parts.Where(fields.ContainsKey))
            {
                Problem(fields[part].Key, Path(section, part), $"connectionStringEnv already gives the whole connection; remove `{part}` or connectionStringEnv");
            }
        }
        else
        {
            foreach (var part in new[] { "host", "user", "database" }.Where(p => !fields.ContainsKey(p)))
            {
                Problem(field.Value, Path(section, part), $"missing: {part} of {server} (or give connectionStringEnv instead)");
            }
        }

        return new ConnectionPlan(
            Text(fields, "host", Path(section, "host")),
            Number(fields, "port", Path(section, "port"), 1, 65_535),
            Text(fields, "user", Path(section, "user")),
            EnvironmentName(fields, "passwordEnv", Path(section, "passwordEnv")),
            Text(fields, "database", Path(section, "database")),
            target ? Text(fields, "schema", Path(section, "schema")) ?? "public" : null,
            connectionStringEnv,
            At(field.Value))
        {
            DatabaseLocation = fields.TryGetValue("database", out var database) ? At(database.Value) : null,
        };
    }

    private BackfillSettings Backfill(Dictionary<string, Field> root)
    {
        var defaults = new BackfillSettings();
        if (!root.TryGetValue("backfill", out var field) || Fields(field.Value, "backfill", PlanKeys.Backfill) is not { } fields)
        {
            return defaults;
        }

        return new BackfillSettings(
            Number(fields, "chunkSize", "backfill.chunkSize", 1) ?? defaults.ChunkSize,
            Number(fields, "parallelism", "backfill.parallelism", 1) ?? defaults.Parallelism,
            Number(fields, "maxRowsPerSecond", "backfill.maxRowsPerSecond", 0) ?? defaults.MaxRowsPerSecond,
            Duration(fields, "maxTargetLatency", "backfill.maxTargetLatency"));
    }

    private CdcSettings Cdc(Dictionary<string, Field> root)
    {
        var defaults = new CdcSettings();
        if (!root.TryGetValue("cdc", out var field) || Fields(field.Value, "cdc", PlanKeys.Cdc) is not { } fields)
        {
            return defaults;
        }

        return new CdcSettings(Number(fields, "batchSize", "cdc.batchSize", 1) ?? defaults.BatchSize, Duration(fields, "lagBound", "cdc.lagBound"))
        {
            Parallelism = Number(fields, "parallelism", "cdc.parallelism", 1, 64) ?? defaults.Parallelism,
        };
    }

    private ReconcileSettings Reconcile(Dictionary<string, Field> root)
    {
        var defaults = new ReconcileSettings();
        if (!root.TryGetValue("reconcile", out var field) || Fields(field.Value, "reconcile", PlanKeys.Reconcile) is not { } fields)
        {
            return defaults;
        }

        return new ReconcileSettings
        {
            MaxAge = Duration(fields, "maxAge", "reconcile.maxAge") ?? defaults.MaxAge,
            RecheckBound = Duration(fields, "recheckBound", "reconcile.recheckBound") ?? defaults.RecheckBound,
        };
    }

    private SecondaryErrorSettings SecondaryErrors(Dictionary<string, Field> root)
    {
        var defaults = new SecondaryErrorSettings();
        if (!root.TryGetValue("secondaryErrors", out var field) || Fields(field.Value, "secondaryErrors", PlanKeys.SecondaryErrors) is not { } fields)
        {
            return defaults;
        }

        return new SecondaryErrorSettings
        {
            Window = Duration(fields, "window", "secondaryErrors.window") ?? defaults.Window,
            MaxErrorRate = Ratio(fields, "maxErrorRate", "secondaryErrors.maxErrorRate") ?? defaults.MaxErrorRate,
            MaxMismatchRate = Ratio(fields, "maxMismatchRate", "secondaryErrors.maxMismatchRate") ?? defaults.MaxMismatchRate,
            MinOperations = Number(fields, "minOperations", "secondaryErrors.minOperations", 1) ?? defaults.MinOperations,
        };
    }

    private DdlPolicy Ddl(Dictionary<string, Field> root)
    {
        if (!root.TryGetValue("ddl", out var field))
        {
            return DdlPolicy.Stop;
        }

        switch (Text(field.Value, "ddl"))
        {
            case "stop":
                return DdlPolicy.Stop;
            case "apply-compatible":
                return DdlPolicy.ApplyCompatible;
            case { } other:
                Problem(field.Value, "ddl", $"unknown policy `{other}`; expected stop or apply-compatible");
                break;
        }

        return DdlPolicy.Stop;
    }

    /// <summary>YamlDotNet's message without its own position prefix (the location is reported separately).</summary>
    private static string SyntaxMessage(YamlException exception)
    {
        var message = exception.Message;
        var end = message.IndexOf("): ", StringComparison.Ordinal);
        message = message.StartsWith("(Line:", StringComparison.Ordinal) && end >= 0 ? message[(end + 3)..] : message;
        message = message.TrimEnd('.');
        return message.Length == 0 ? "invalid YAML" : "invalid YAML: " + char.ToLowerInvariant(message[0]) + message[1..];
    }
}
