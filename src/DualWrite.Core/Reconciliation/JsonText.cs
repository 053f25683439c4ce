using System.Text.Json;

namespace DualWrite.Core.Reconciliation;

/// <summary>Reading JSON text the reconciliation types are handed, with one error for text that is not JSON.</summary>
internal static class JsonText
{
    /// <summary>Parses <paramref name="json"/>.</summary>
    /// <param name="json">The text.</param>
    /// <param name="what">What the text should be, for the message (e.g. "The reconciliation report").</param>
    /// <exception cref="FormatException">The text is not JSON.</exception>
    public static JsonDocument Parse(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{what} is not JSON: {ex.Message}", ex);
        }
    }
}
