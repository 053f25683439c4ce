using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// One text for one JSON document, so documents equal by meaning compare equal however a server keeps them (MySQL's
/// JSON as written or in its binary form, PostgreSQL's jsonb with its own key order and spacing): object members sorted
/// by name (ordinal; the last of a repeated name wins, as in jsonb), no whitespace, strings escaped alike, numbers by
/// value (<see cref="CanonicalNumber"/>: <c>1.50</c> is <c>1.5</c>, <c>1e2</c> is <c>100</c>, exact at any precision).
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The canonical text of <paramref name="json"/>.</summary>
    /// <exception cref="FormatException">The text is not JSON.</exception>
    public static string Normalize(string json)
    {
        using var document = JsonText.Parse(json, "The document");
        return Write(document, json.Length);
    }

    /// <summary>The canonical text of <paramref name="json"/>, or <see langword="false"/> when it is not JSON.</summary>
    public static bool TryNormalize(string json, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            canonical = "";
            return false;
        }

        using (document)
        {
            canonical = Write(document, json.Length);
            return true;
        }
    }

    private static string Write(JsonDocument document, int length)
    {
        var buffer = new ArrayBufferWriter<byte>(length + 16);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, document.RootElement);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    members[property.Name] = property.Value;
                }

                writer.WriteStartObject();
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
                writer.WriteRawValue(CanonicalNumber.Normalize(element.GetRawText()), skipInputValidation: true);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
