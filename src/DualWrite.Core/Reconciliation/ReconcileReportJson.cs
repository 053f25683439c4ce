using System.Text.Encodings.Web;
using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// The JSON form of a <see cref="ReconcileReport"/>, schema <see cref="ReconcileReport.SchemaId"/> (docs/reconcile.md,
/// docs/reconcile.schema.json): camelCase fields in a fixed order, counts and versions as JSON numbers, times as
/// ISO 8601 strings, and every row value as its display text (<see cref="CanonicalEncoding.Display"/>, the text the
/// console table and the HTML page show), SQL NULL as JSON <c>null</c>. Keys are always written; the rows' values only
/// when the report is written with <c>showValues</c> (otherwise the <c>source</c> and <c>target</c> fields are left out).
/// At most <see cref="SampleLimit"/> samples and repairs are listed per entity; the counts cover them all.
/// </summary>
public static partial class ReconcileReportJson
{
    /// <summary>How many samples and repairs an entity's JSON lists at most (the default <see cref="ReconcileOptions.MaxSamples"/>).</summary>
    public const int SampleLimit = 20;

    /// <summary>
    /// How the text form escapes: only what JSON itself requires (quotes, backslashes, control characters), so text
    /// values read as they are (<c>'O''Brien'</c>, →, ü). A page that embeds a report must encode it for HTML, as the
    /// HTML format does.
    /// </summary>
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="report">The report.</param>
    /// <param name="showValues">Whether the sample rows' values are written (they may hold personal data).</param>
    /// <exception cref="ArgumentException">A sample row's values do not line up with its entity's columns.</exception>
    public static void Write(Utf8JsonWriter writer, ReconcileReport report, bool showValues)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteString("schema", ReconcileReport.SchemaId);
        writer.WriteString("plan", report.Plan);
        writer.WriteString("generatedAt", report.GeneratedAt);
        writer.WriteBoolean("clean", report.Clean);
        writer.WriteBoolean("showValues", showValues);
        writer.WriteStartArray("entities");
        foreach (var entity in report.Entities)
        {
            WriteEntity(writer, entity, showValues);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The report as JSON text (indented, as <c>dualwrite reconcile --format json</c> prints it).</summary>
    /// <inheritdoc cref="Write(Utf8JsonWriter, ReconcileReport, bool)"/>
    public static string Serialize(ReconcileReport report, bool showValues, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = Encoder }))
        {
            Write(writer, report, showValues);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes one entity's report: an element of the report's <c>entities</c> array.</summary>
    /// <inheritdoc cref="Write(Utf8JsonWriter, ReconcileReport, bool)"/>
    public static void WriteEntity(Utf8JsonWriter writer, EntityReport entity, bool showValues)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entity);
        writer.WriteStartObject();
        writer.WriteString("entity", entity.Entity);
        writer.WriteString("display", entity.Display);
        writer.WriteBoolean("clean", entity.Clean);
        writer.WriteNumber("sourceRows", entity.SourceRows);
        writer.WriteNumber("targetRows", entity.TargetRows);
        writer.WriteNumber("chunks", entity.Chunks);
        writer.WriteNumber("chunksResumed", entity.ChunksResumed);
        writer.WriteNumber("chunksDiffering", entity.ChunksDiffering);
        writer.WriteNumber("matching", entity.Matching);
        writer.WriteNumber("missing", entity.Missing);
        writer.WriteNumber("extra", entity.Extra);
        writer.WriteNumber("differing", entity.Differing);
        writer.WriteNumber("lagging", entity.Lagging);
        writer.WriteNumber("rechecked", entity.Rechecked);
        writer.WriteNumber("repaired", entity.Repaired);
        writer.WriteBoolean("dryRun", entity.DryRun);
        writer.WriteNumber("durationMs", DurationMs(entity.Duration));
        writer.WriteString("startedAt", entity.StartedAt);
        writer.WriteString("finishedAt", entity.FinishedAt);
        if (entity.VerifiedAs is { } position)
        {
            writer.WriteStartObject("verifiedAs");
            writer.WriteString("display", position.Display);
            writer.WriteNumber("ordinal", position.Ordinal);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("verifiedAs");
        }

        writer.WriteString("schemaFingerprint", entity.SchemaFingerprint);
        Strings(writer, "columns", entity.Columns);
        writer.WriteStartArray("samples");
        foreach (var sample in entity.Samples.Take(SampleLimit))
        {
            WriteSample(writer, entity, sample, showValues);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("repairs");
        foreach (var repair in entity.RepairSamples.Take(SampleLimit))
        {
            writer.WriteStartObject();
            WriteKey(writer, repair.Key);
            writer.WriteString("kind", Name(repair.Kind));
            writer.WriteNumber("version", repair.Version);
            writer.WriteBoolean("applied", repair.Applied);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>How a duration is written: whole milliseconds, rounded.</summary>
    internal static long DurationMs(TimeSpan duration) => (long)Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);

    private static void WriteSample(Utf8JsonWriter writer, EntityReport entity, RowDifference sample, bool showValues)
    {
        writer.WriteStartObject();
        WriteKey(writer, sample.Key);
        writer.WriteString("kind", Name(sample.Kind));
        Strings(writer, "columns", sample.Columns);
        NullableNumber(writer, "sourceVersion", sample.SourceVersion);
        NullableNumber(writer, "targetVersion", sample.TargetVersion);
        if (showValues)
        {
            WriteRow(writer, "source", entity, sample.Source);
            WriteRow(writer, "target", entity, sample.Target);
        }

        writer.WriteEndObject();
    }

    private static void WriteKey(Utf8JsonWriter writer, RowKey key)
    {
        writer.WriteString("key", key.ToString());
        writer.WriteStartArray("keyValues");
        foreach (var value in key.Values)
        {
            Value(writer, value);
        }

        writer.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter writer, string name, EntityReport entity, ReconcileRow? row)
    {
        if (row is null)
        {
            writer.WriteNull(name);
            return;
        }

        if (row.Values.Count != entity.Columns.Count)
        {
            throw new ArgumentException(
                $"Entity '{entity.Entity}': the row of key {row.Key} has {row.Values.Count} values for {entity.Columns.Count} columns.", nameof(entity));
        }

        writer.WriteStartObject(name);
        for (var i = 0; i < row.Values.Count; i++)
        {
            writer.WritePropertyName(entity.Columns[i]);
            Value(writer, row.Values[i]);
        }

        writer.WriteEndObject();
    }

    private static void Value(Utf8JsonWriter writer, object? value)
    {
        if (value is null or DBNull)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(CanonicalEncoding.Display(value));
        }
    }

    private static void Strings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void NullableNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>An enum member's JSON name: its name in camelCase (<c>MissingInTarget</c> → <c>missingInTarget</c>).</summary>
    internal static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
