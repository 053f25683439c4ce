using System.Globalization;
using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

public static partial class ReconcileReportJson
{
    /// <summary>
    /// Reads a report written by <see cref="Write"/> (schema <see cref="ReconcileReport.SchemaId"/>) back into the model,
    /// for the dashboard and CI. Fields it does not know are ignored (an additive change keeps the schema id). Each value
    /// reads back as a canonical value with the same display text: writing the result again gives the same JSON. A
    /// report written without values reads back with the samples' <see cref="RowDifference.Source"/> and
    /// <see cref="RowDifference.Target"/> null.
    /// </summary>
    /// <exception cref="FormatException">
    /// The text is not JSON, carries another schema id, lacks a field, holds a field of the wrong type, or a <c>clean</c>
    /// flag its own counts contradict (the message names the field, e.g. <c>entities[0].missing</c>).
    /// </exception>
    public static ReconcileReport Parse(string json)
    {
        using (var document = JsonText.Parse(json, "The reconciliation report"))
        {
            var root = new Node(document.RootElement, "");
            var schema = root.String("schema");
            if (!string.Equals(schema, ReconcileReport.SchemaId, StringComparison.Ordinal))
            {
                throw new FormatException($"schema: the report is '{schema}', this reader reads '{ReconcileReport.SchemaId}'.");
            }

            var report = new ReconcileReport(
                root.String("plan"),
                [.. root.Array("entities").Select(ParseEntity)],
                root.Time("generatedAt"));
            root.Agrees("clean", report.Clean);
            return report;
        }
    }

    private static EntityReport ParseEntity(Node node)
    {
        var columns = node.Array("columns").Select(c => c.Text()).ToArray();
        var entity = new EntityReport
        {
            Entity = node.String("entity"),
            Display = node.String("display"),
            Columns = columns,
            StartedAt = node.Time("startedAt"),
            FinishedAt = node.Time("finishedAt"),
            Duration = TimeSpan.FromMilliseconds(node.Long("durationMs")),
            SourceRows = node.Long("sourceRows"),
            TargetRows = node.Long("targetRows"),
            Chunks = node.Long("chunks"),
            ChunksResumed = node.Long("chunksResumed"),
            ChunksDiffering = node.Long("chunksDiffering"),
            Matching = node.Long("matching"),
            Missing = node.Long("missing"),
            Extra = node.Long("extra"),
            Differing = node.Long("differing"),
            Lagging = node.Long("lagging"),
            Rechecked = node.Long("rechecked"),
            Repaired = node.Long("repaired"),
            DryRun = node.Bool("dryRun"),
            VerifiedAs = node.Optional("verifiedAs") is { } at ? new FeedPosition(at.String("display"), at.Long("ordinal")) : null,
            SchemaFingerprint = node.String("schemaFingerprint"),
            Samples = [.. node.Array("samples").Select(s => ParseSample(s, columns))],
            RepairSamples = [.. node.Array("repairs").Select(r => new RepairAction(ParseKey(r), r.Enum<RepairKind>("kind"), r.Long("version"), r.Bool("applied")))],
        };
        node.Agrees("clean", entity.Clean);
        return entity;
    }

    private static RowDifference ParseSample(Node node, IReadOnlyList<string> columns)
    {
        var key = ParseKey(node);
        var sourceVersion = node.NullableLong("sourceVersion");
        var targetVersion = node.NullableLong("targetVersion");
        return new RowDifference(
            key,
            node.Enum<DifferenceKind>("kind"),
            [.. node.Array("columns").Select(c => c.Text())],
            sourceVersion,
            targetVersion,
            ParseRow(node, "source", key, sourceVersion, columns),
            ParseRow(node, "target", key, targetVersion, columns));
    }

    private static ReconcileRow? ParseRow(Node sample, string name, RowKey key, long? version, IReadOnlyList<string> columns)
    {
        if (!sample.Has(name) || sample.Optional(name) is not { } row)
        {
            return null;
        }

        var values = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            values[i] = row.Required(columns[i]).DisplayedValue();
        }

        return new ReconcileRow(key, version, values);
    }

    private static RowKey ParseKey(Node node) => new([.. node.Array("keyValues").Select(v => v.DisplayedValue())]);

    private delegate bool TryRead<T>(JsonElement element, out T value);

    /// <summary>A JSON element and its path in the report, for messages.</summary>
    private readonly record struct Node(JsonElement Element, string Path)
    {
        public bool Has(string name) => Element.TryGetProperty(name, out _);

        public Node Required(string name)
        {
            if (Element.ValueKind != JsonValueKind.Object)
            {
                throw Wrong("an object");
            }

            return Element.TryGetProperty(name, out var value)
                ? new Node(value, Path.Length == 0 ? name : $"{Path}.{name}")
                : throw new FormatException($"{(Path.Length == 0 ? "the report" : Path)}: the field '{name}' is missing.");
        }

        /// <summary>A field that may be null (not absent).</summary>
        public Node? Optional(string name)
        {
            var node = Required(name);
            return node.Element.ValueKind == JsonValueKind.Null ? null : node;
        }

        public string String(string name) => Required(name).Text();

        public string Text() => Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Wrong("a string");

        public long Long(string name) => Read(name, "an integer", (JsonElement e, out long value) =>
        {
            value = 0;
            return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
        });

        public long? NullableLong(string name) => Optional(name) is { } node ? node.Element.TryGetInt64(out var value) ? value : throw node.Wrong("an integer or null") : null;

        public bool Bool(string name) => Read(name, "true or false", (JsonElement e, out bool value) =>
        {
            value = e.ValueKind == JsonValueKind.True;
            return e.ValueKind is JsonValueKind.True or JsonValueKind.False;
        });

        public DateTimeOffset Time(string name) => Read(name, "an ISO 8601 date and time", (JsonElement e, out DateTimeOffset value) =>
        {
            value = default;
            return e.ValueKind == JsonValueKind.String && e.TryGetDateTimeOffset(out value);
        });

        public TEnum Enum<TEnum>(string name)
            where TEnum : struct, Enum
        {
            var node = Required(name);
            var text = node.Text();
            foreach (var value in System.Enum.GetValues<TEnum>())
            {
                if (string.Equals(Name(value), text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            throw new FormatException($"{node.Path}: '{text}' is not one of {string.Join(", ", System.Enum.GetValues<TEnum>().Select(Name))}.");
        }

        public IEnumerable<Node> Array(string name)
        {
            var node = Required(name);
            if (node.Element.ValueKind != JsonValueKind.Array)
            {
                throw node.Wrong("an array");
            }

            var path = node.Path;
            return node.Element.EnumerateArray().Select((item, i) => new Node(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")));
        }

        public void Agrees(string name, bool computed)
        {
            if (Bool(name) != computed)
            {
                throw new FormatException($"{Required(name).Path}: says {(computed ? "false" : "true")}, but the counts say {(computed ? "true" : "false")}.");
            }
        }

        /// <summary>A value written as its display text (or null for SQL NULL), read back to a canonical value.</summary>
        public object? DisplayedValue() => Element.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => TryFromDisplay(Element.GetString()!, out var value) ? value : throw new FormatException($"{Path}: '{Element.GetString()}' is not the display text of a value."),
            _ => throw Wrong("a value's display text or null"),
        };

        private T Read<T>(string name, string expected, TryRead<T> read)
        {
            var node = Required(name);
            return read(node.Element, out var value) ? value : throw node.Wrong(expected);
        }

        private FormatException Wrong(string expected) =>
            new($"{(Path.Length == 0 ? "the report" : Path)}: expected {expected}, found {Element.ValueKind.ToString().ToLowerInvariant()}.");
    }
}
