using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// One text for one JSON document, so documents equal by meaning compare equal however a server keeps them (MySQL's
/// JSON as written or in its binary form, PostgreSQL's jsonb with its own key order and spacing): object members sorted
/// by name (ordinal), no whitespace, strings escaped alike, numbers by value (<c>1.50</c> is <c>1.5</c>, <c>1e2</c> is <c>100</c>).
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The canonical text of <paramref name="json"/>.</summary>
    /// <exception cref="FormatException">The text is not JSON.</exception>
    public static string Normalize(string json)
    {
        using (var document = JsonText.Parse(json, "The document"))
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Options))
            {
                Write(writer, document.RootElement);
            }

            return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                // The last of duplicate names wins, as in jsonb.
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    members[property.Name] = property.Value;
                }

                foreach (var (name, value) in members)
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element.GetRawText()));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string Number(string raw)
    {
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            var text = exact.ToString(CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
        }

        // Beyond decimal: the shortest round-trip double text.
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
    }
}
