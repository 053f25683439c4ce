using System.Text.Json.Nodes;
using Json.Schema;

namespace DualWrite.Testing;

/// <summary>
/// The published JSON schema of reconciliation reports (docs/reconcile.schema.json, copied beside the tests), for
/// checking what the writer emits. The schema lets readers meet fields it does not know (an additive change keeps v1);
/// the strict form used here also refuses every field the schema does not declare, so the schema is known to
/// describe everything the writer writes.
/// </summary>
public static class ReconcileReportSchema
{
    /// <summary>The object schemas that list every field of their object.</summary>
    private static readonly string[] ClosedObjects = ["", "/$defs/entity", "/$defs/sample", "/$defs/repair", "/$defs/entity/properties/verifiedAs/oneOf/1"];

    private static readonly Lazy<JsonSchema> Published = new(() => JsonSchema.FromText(File.ReadAllText(PathOnDisk)));

    private static readonly Lazy<JsonSchema> Strict = new(() => JsonSchema.FromText(StrictText()));

    /// <summary>Where the schema file was copied.</summary>
    public static string PathOnDisk => Path.Combine(AppContext.BaseDirectory, "reconcile.schema.json");

    /// <summary>The problems <paramref name="json"/> has under the schema (none when it is valid), each as "location: message".</summary>
    /// <param name="json">A report.</param>
    /// <param name="strict">Also refuse fields the schema does not declare.</param>
    public static IReadOnlyList<string> Problems(string json, bool strict = true)
    {
        var schema = strict ? Strict.Value : Published.Value;
        var results = schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? [])
            .Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
        return problems.Count > 0 ? problems : ["the report is invalid (no detail given)"];
    }

    private static string StrictText()
    {
        var root = JsonNode.Parse(File.ReadAllText(PathOnDisk))!.AsObject();
        root["$id"] = "urn:dualwrite:reconcile:v1:strict";
        foreach (var pointer in ClosedObjects)
        {
            var node = (JsonNode)root;
            foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
            }

            node.AsObject()["unevaluatedProperties"] = false;
        }

        return root.ToJsonString();
    }
}
