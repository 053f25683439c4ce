using System.Text.Json;
using DualWrite.Core.Phases;

namespace DualWrite.MySql.Control;

/// <summary>Gate verdicts as the audit table's JSON text: <c>[{"gate":"…","passed":true,"reason":"…"}]</c>.</summary>
internal static class GateOutcomeJson
{
    public static string Write(IReadOnlyList<GateOutcome> gates)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var gate in gates)
            {
                json.WriteStartObject();
                json.WriteString("gate", gate.GateName);
                json.WriteBoolean("passed", gate.Result.Passed);
                if (gate.Result.Reason is { } reason)
                {
                    json.WriteString("reason", reason);
                }
                else
                {
                    json.WriteNull("reason");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="JsonException">The text is not the shape written by <see cref="Write"/>.</exception>
    public static IReadOnlyList<GateOutcome> Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The gates column does not hold a JSON array.");
        }

        var gates = new List<GateOutcome>(document.RootElement.GetArrayLength());
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var reason = item.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            gates.Add(new GateOutcome(item.GetProperty("gate").GetString() ?? "", new GateResult(item.GetProperty("passed").GetBoolean(), reason)));
        }

        return gates;
    }
}
