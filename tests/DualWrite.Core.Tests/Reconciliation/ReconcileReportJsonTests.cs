using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using DualWrite.Core.Reconciliation;
using DualWrite.Testing;

namespace DualWrite.Core.Tests.Reconciliation;

/// <summary>The report's JSON form (dualwrite.reconcile/v1): its fields, its values, its reader, and its published schema.</summary>
public sealed class ReconcileReportJsonTests
{
    private static readonly string[] EntityFields =
    [
        "entity", "display", "clean", "sourceRows", "targetRows", "chunks", "chunksResumed", "chunksDiffering", "matching",
        "missing", "extra", "differing", "lagging", "rechecked", "repaired", "dryRun", "durationMs", "startedAt",
        "finishedAt", "verifiedAs", "schemaFingerprint", "columns", "samples", "repairs",
    ];

    private static ReconcileReport Mixed() => ReconcileReports.Of(ReconcileReports.CleanCustomers(), ReconcileReports.OrdersWithDifferences());

    [Fact]
    public void Write_PutsTheSchemaIdAndTheFieldsInTheirFixedOrder()
    {
        using var document = JsonDocument.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: false));
        var root = document.RootElement;

        root.EnumerateObject().Select(p => p.Name).Should().Equal("schema", "plan", "generatedAt", "clean", "showValues", "entities");
        root.GetProperty("schema").GetString().Should().Be("dualwrite.reconcile/v1");
        root.GetProperty("clean").GetBoolean().Should().BeFalse();
        foreach (var entity in root.GetProperty("entities").EnumerateArray())
        {
            entity.EnumerateObject().Select(p => p.Name).Should().Equal(EntityFields);
        }

        var clean = root.GetProperty("entities")[0];
        clean.GetProperty("clean").GetBoolean().Should().BeTrue();
        clean.GetProperty("chunksResumed").GetInt64().Should().Be(4);
        clean.GetProperty("durationMs").GetInt64().Should().Be(2_950);
        clean.GetProperty("verifiedAs").GetProperty("display").GetString().Should().Be("binlog.000004:1183");
        clean.GetProperty("verifiedAs").GetProperty("ordinal").GetInt64().Should().Be((4L << 32) | 1183);
        root.GetProperty("entities")[1].GetProperty("verifiedAs").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Write_WithoutValues_LeavesTheRowsOut_ButNamesKeysKindsAndColumns()
    {
        var json = ReconcileReportJson.Serialize(Mixed(), showValues: false);
        using var document = JsonDocument.Parse(json);
        var samples = document.RootElement.GetProperty("entities")[1].GetProperty("samples");

        samples.EnumerateArray().Select(s => s.GetProperty("kind").GetString()).Should().Equal("missingInTarget", "valuesDiffer", "extraInTarget", "targetBehind");
        samples.EnumerateArray().Select(s => s.GetProperty("key").GetString()).Should().Equal("7", "8", "9", "10");
        samples[1].GetProperty("columns").EnumerateArray().Select(c => c.GetString()).Should().Equal("note");
        samples.EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).Should().NotContain(["source", "target"]);
        json.Should().NotContain("alice").And.NotContain("gift").And.NotContain("script");
    }

    [Fact]
    public void Write_WithValues_GivesEachValueItsDisplayText_AndNullForSqlNull()
    {
        using var document = JsonDocument.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: true));
        var samples = document.RootElement.GetProperty("entities")[1].GetProperty("samples");

        var missing = samples[0];
        missing.GetProperty("source").EnumerateObject().Select(p => p.Name).Should().Equal(ReconcileReports.OrderColumns);
        missing.GetProperty("source").GetProperty("customer").GetString().Should().Be("'alice'");
        missing.GetProperty("source").GetProperty("total").GetString().Should().Be("12.50");
        missing.GetProperty("source").GetProperty("placed_at").GetString().Should().Be("2026-11-30 08:15:00.25");
        missing.GetProperty("source").GetProperty("payload").GetString().Should().Be("0x00FF");
        missing.GetProperty("target").ValueKind.Should().Be(JsonValueKind.Null, "the target has no row");
        samples[1].GetProperty("target").GetProperty("note").GetString().Should().Be("'" + ReconcileReports.HostileNote.Replace("'", "''", StringComparison.Ordinal) + "'");
        samples[2].GetProperty("target").GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null, "SQL NULL");
        samples[2].GetProperty("source").ValueKind.Should().Be(JsonValueKind.Null);
        samples[2].GetProperty("sourceVersion").ValueKind.Should().Be(JsonValueKind.Null);
        samples[2].GetProperty("targetVersion").GetInt64().Should().Be(99);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_ReadsBackWhatWriteWrote_AndWritesItAgainTheSame(bool showValues)
    {
        var json = ReconcileReportJson.Serialize(Mixed(), showValues);

        var parsed = ReconcileReportJson.Parse(json);

        ReconcileReportJson.Serialize(parsed, showValues).Should().Be(json);
        parsed.Plan.Should().Be("shop");
        parsed.GeneratedAt.Should().Be(ReconcileReports.Started.AddMinutes(3));
        var orders = parsed.Entities[1];
        orders.Should().BeEquivalentTo(ReconcileReports.OrdersWithDifferences(), o => o.Excluding(e => e.Samples).Excluding(e => e.RepairSamples));
        orders.Samples.Select(s => (s.Key.ToString(), s.Kind, s.SourceVersion, s.TargetVersion)).Should().Equal(
            ("7", DifferenceKind.MissingInTarget, 101L, (long?)null),
            ("8", DifferenceKind.ValuesDiffer, 102L, 102L),
            ("9", DifferenceKind.ExtraInTarget, (long?)null, 99L),
            ("10", DifferenceKind.TargetBehind, 205L, 104L));
        orders.Samples[0].Key.Should().Be(new RowKey([7L]), "the key reads back to the same canonical key");
        orders.RepairSamples.Select(r => (r.Kind, r.Version, r.Applied)).Should().Equal(
            (RepairKind.Write, 101L, true), (RepairKind.Write, 102L, true), (RepairKind.Tombstone, 100L, true), (RepairKind.SkippedNewer, 205L, false));
        if (showValues)
        {
            orders.Samples[1].Target!.Values[3].Should().Be(ReconcileReports.HostileNote);
            orders.Samples[0].Source!.Values.Should().BeEquivalentTo(
                new object[] { 7L, "alice", 12.50m, "first", new DateTime(2026, 11, 30, 8, 15, 0, 250), new byte[] { 0x00, 0xFF } }, o => o.WithStrictOrdering());
        }
        else
        {
            orders.Samples.Should().OnlyContain(s => s.Source == null && s.Target == null);
        }
    }

    public static TheoryData<object?> DisplayedValues() => new()
    {
        null, 0L, -42L, long.MaxValue, ulong.MaxValue, 12.50m, -0.001m, 2.0, -0.0, double.NaN, double.PositiveInfinity, 1e20, 1.5e-7,
        1e10f, 0.1f, "", "it's", "'", "NULL", "0x12", "{a,b}", new byte[] { }, new byte[] { 0xCA, 0xFE }, new DateTime(2024, 2, 29),
        new DateTime(2024, 2, 29, 23, 59, 59, 999).AddTicks(9_999), new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        TimeSpan.FromHours(-838.5), TimeSpan.Zero, true, false, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        new BitArray(new[] { true, false, true, true }), Array.Empty<string>(), new[] { "a", "b,c", "" },
        new ReadOnlyMemory<byte>("it's"u8.ToArray()),
    };

    [Theory]
    [MemberData(nameof(DisplayedValues))]
    public void Values_ReadBackToAValueOfTheSameDisplayText(object? value)
    {
        var row = new ReconcileRow(new RowKey([1L]), 5, [value]);
        var entity = ReconcileReports.CleanCustomers() with
        {
            Columns = ["v"],
            Differing = 1,
            Samples = [new RowDifference(row.Key, DifferenceKind.ValuesDiffer, ["v"], 5, 5, row, row)],
        };
        var json = ReconcileReportJson.Serialize(ReconcileReports.Of(entity), showValues: true);

        var read = ReconcileReportJson.Parse(json).Entities[0].Samples[0].Source!.Values[0];

        CanonicalEncoding.Display(read).Should().Be(CanonicalEncoding.Display(value));
        ReconcileReportJson.Serialize(ReconcileReportJson.Parse(json), showValues: true).Should().Be(json);
        if (value is long or decimal or string or byte[] or DateTime or bool or Guid or TimeSpan)
        {
            CanonicalEncoding.Same(read, value).Should().BeTrue("a {0} shows unlike any other type", value.GetType().Name);
        }
    }

    [Fact]
    public void Parse_IgnoresFieldsItDoesNotKnow()
    {
        var node = JsonNode.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: false))!;
        node["producer"] = "a later writer";
        node["entities"]![0]!["histogram"] = new JsonArray(1, 2, 3);

        var parsed = ReconcileReportJson.Parse(node.ToJsonString());

        parsed.Entities.Should().HaveCount(2);
        ReconcileReportSchema.Problems(node.ToJsonString(), strict: false).Should().BeEmpty("the published schema lets readers meet new fields");
    }

    [Theory]
    [InlineData("entities[1].missing", "the field 'missing' is missing", true)]
    [InlineData("entities[0].chunks", "expected an integer", true)]
    [InlineData("schema", "this reader reads 'dualwrite.reconcile/v1'", true)]
    [InlineData("entities[1].clean", "entities[1].clean: says true, but the counts say false", true)]
    [InlineData("entities[1].samples[0].kind", "'gone' is not one of missingInTarget, extraInTarget, valuesDiffer, targetBehind", true)]
    [InlineData("entities[1].samples[0].keyValues", "'x' is not the display text of a value", false)]
    public void Parse_BrokenReport_NamesTheFieldAtFault(string field, string message, bool schemaSeesIt)
    {
        var node = JsonNode.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: false))!;
        Break(node, field);

        FluentActions.Invoking(() => ReconcileReportJson.Parse(node.ToJsonString())).Should().Throw<FormatException>().WithMessage($"*{message}*");
        // The schema describes shapes; a display text's grammar is the reader's to check.
        ReconcileReportSchema.Problems(node.ToJsonString()).Should().HaveCount(c => schemaSeesIt ? c > 0 : c == 0, field);
    }

    [Fact]
    public void Parse_NotJson_IsAFormatException() =>
        FluentActions.Invoking(() => ReconcileReportJson.Parse("{\"schema\": ")).Should().Throw<FormatException>().WithMessage("*not JSON*");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Schema_AcceptsWrittenReports_CleanAndWithDifferences(bool showValues)
    {
        ReconcileReportSchema.Problems(ReconcileReportJson.Serialize(ReconcileReports.Of(ReconcileReports.CleanCustomers()), showValues)).Should().BeEmpty();
        ReconcileReportSchema.Problems(ReconcileReportJson.Serialize(Mixed(), showValues)).Should().BeEmpty();
        ReconcileReportSchema.Problems(ReconcileReportJson.Serialize(ReconcileReports.Of(ReconcileReports.OrdersWithDifferences(dryRun: true)), showValues)).Should().BeEmpty();
    }

    [Fact]
    public void Schema_RefusesValuesInAReportThatSaysItHasNone_AndSamplesWithoutRowsInOneThatHasThem()
    {
        var withValues = JsonNode.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: true))!;
        withValues["showValues"] = false;
        var withoutValues = JsonNode.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: false))!;
        withoutValues["showValues"] = true;

        ReconcileReportSchema.Problems(withValues.ToJsonString()).Should().NotBeEmpty();
        ReconcileReportSchema.Problems(withoutValues.ToJsonString()).Should().NotBeEmpty();
    }

    [Fact]
    public void Schema_Strict_RefusesAFieldItDoesNotDeclare()
    {
        var node = JsonNode.Parse(ReconcileReportJson.Serialize(Mixed(), showValues: false))!;
        node["entities"]![1]!["samples"]![0]!["severity"] = "high";

        ReconcileReportSchema.Problems(node.ToJsonString()).Should().Contain(p => p.Contains("/entities/1/samples/0", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_ListsAtMostTwentySamplesAndRepairs()
    {
        var orders = ReconcileReports.OrdersWithDifferences();
        var many = ReconcileReports.Of(orders with
        {
            Samples = [.. Enumerable.Repeat(orders.Samples[0], 25)],
            RepairSamples = [.. Enumerable.Repeat(orders.RepairSamples[0], 25)],
        });

        using var document = JsonDocument.Parse(ReconcileReportJson.Serialize(many, showValues: false));

        document.RootElement.GetProperty("entities")[0].GetProperty("samples").GetArrayLength().Should().Be(ReconcileReportJson.SampleLimit);
        document.RootElement.GetProperty("entities")[0].GetProperty("repairs").GetArrayLength().Should().Be(ReconcileReportJson.SampleLimit);
    }

    [Fact]
    public void Write_RowWhoseValuesDoNotFitTheColumns_IsRefusedNamingEntityAndKey()
    {
        var orders = ReconcileReports.OrdersWithDifferences();
        var broken = ReconcileReports.Of(orders with { Columns = ["id"] });

        FluentActions.Invoking(() => ReconcileReportJson.Serialize(broken, showValues: true))
            .Should().Throw<ArgumentException>().WithMessage("*'orders'*key 7 has 6 values for 1 columns*");
    }

    /// <summary>Breaks <paramref name="field"/> of a report as the test names it.</summary>
    private static void Break(JsonNode report, string field)
    {
        switch (field)
        {
            case "entities[1].missing":
                report["entities"]![1]!.AsObject().Remove("missing");
                break;
            case "entities[0].chunks":
                report["entities"]![0]!["chunks"] = "twelve";
                break;
            case "schema":
                report["schema"] = "dualwrite.reconcile/v2";
                break;
            case "entities[1].clean":
                report["entities"]![1]!["clean"] = true;
                break;
            case "entities[1].samples[0].kind":
                report["entities"]![1]!["samples"]![0]!["kind"] = "gone";
                break;
            case "entities[1].samples[0].keyValues":
                report["entities"]![1]!["samples"]![0]!["keyValues"] = new JsonArray("x");
                break;
            default:
                throw new ArgumentException(field);
        }
    }
}
