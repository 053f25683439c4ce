using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using static DualWrite.MySql.Replication.Tests.Binlog.Rows.JsonBinaryBuilder;

namespace DualWrite.MySql.Replication.Tests.Binlog.Rows;

public sealed class JsonDiffApplierTests
{
    private const byte Replace = 0;
    private const byte Insert = 1;
    private const byte Remove = 2;

    /// <summary>One diff: operation, packed path length and path, and (not for REMOVE) packed value length and binary value.</summary>
    internal static byte[] Diff(byte operation, string path, Value? value = null)
    {
        var bytes = new List<byte> { operation };
        bytes.AddRange(TableMapBuilder.Str(path));
        if (value is not null)
        {
            var document = Document(value);
            bytes.AddRange(TableMapBuilder.Packed((ulong)document.Length));
            bytes.AddRange(document);
        }
        return [.. bytes];
    }

    /// <summary>A diff list: 4-byte little-endian length, then the diffs.</summary>
    internal static byte[] DiffList(params byte[][] diffs)
    {
        var body = diffs.SelectMany(d => d).ToArray();
        return [.. BitConverter.GetBytes(body.Length), .. body];
    }

    private static string Apply(string before, params byte[][] diffs)
    {
        var data = DiffList(diffs);
        var offset = 0;
        var after = JsonDiffApplier.Apply(before, data, ref offset);
        offset.Should().Be(data.Length);
        return after;
    }

    [Fact]
    public void Replace_a_member()
    {
        Apply("{\"age\": 25, \"name\": \"Joe\"}", Diff(Replace, "$.age", Int16(26)))
            .Should().Be("{\"age\": 26, \"name\": \"Joe\"}");
    }

    [Fact]
    public void Replace_deep_in_arrays_and_objects_with_any_value()
    {
        var after = Apply("{\"a\": {\"b\": [1, {\"c\": null}, 3]}}",
            Diff(Replace, "$.a.b[1].c", Object(false, ("x", String("tab\there")), ("yy", Array(false, Double(2.0), True)))));

        after.Should().Be("{\"a\": {\"b\": [1, {\"c\": {\"x\": \"tab\\there\", \"yy\": [2.0, true]}}, 3]}}");
    }

    [Fact]
    public void Replace_a_member_whose_name_needs_quotes()
    {
        Apply("{\"a b\": 1, \"c\\\"d\": 2}", Diff(Replace, "$.\"a b\"", String("x")), Diff(Replace, "$.\"c\\\"d\"", Null))
            .Should().Be("{\"a b\": \"x\", \"c\\\"d\": null}");
    }

    [Fact]
    public void Replace_the_last_array_cell()
    {
        Apply("[1, 2, 3]", Diff(Replace, "$[last]", Int16(9)), Diff(Replace, "$[last-2]", Int16(7))).Should().Be("[7, 2, 9]");
    }

    [Fact]
    public void Insert_keeps_MySQLs_member_order_by_key_length_then_bytes()
    {
        var after = Apply("{\"a\": 1, \"ccc\": 3}",
            Diff(Insert, "$.bb", Int16(2)),
            Diff(Insert, "$.b", Int16(0)),
            Diff(Insert, "$.zzzz", Int16(4)),
            Diff(Insert, "$.Z", Int16(-1)));

        after.Should().Be("{\"Z\": -1, \"a\": 1, \"b\": 0, \"bb\": 2, \"ccc\": 3, \"zzzz\": 4}");
    }

    [Fact]
    public void Insert_into_arrays_at_a_position_or_past_the_end()
    {
        Apply("[1, 2, 3]", Diff(Insert, "$[1]", String("x")), Diff(Insert, "$[10]", False))
            .Should().Be("[1, \"x\", 2, 3, false]");
    }

    [Fact]
    public void Insert_into_an_empty_object_and_array()
    {
        Apply("{\"o\": {}, \"a\": []}", Diff(Insert, "$.o.k", UInt64(ulong.MaxValue)), Diff(Insert, "$.a[0]", Object(false)))
            .Should().Be("{\"o\": {\"k\": 18446744073709551615}, \"a\": [{}]}");
    }

    [Fact]
    public void Remove_members_and_cells()
    {
        Apply("{\"a\": [1, 2, 3], \"b\": true, \"c\": \"x\"}", Diff(Remove, "$.b"), Diff(Remove, "$.a[0]"), Diff(Remove, "$.a[last]"))
            .Should().Be("{\"a\": [2], \"c\": \"x\"}");
    }

    [Fact]
    public void Values_are_printed_as_MySQL_prints_them()
    {
        var decimalValue = Opaque(MySqlColumnType.NewDecimal, [6, 3, 0x80, 0x7B, 0x01, 0xC8]);

        Apply("{\"d\": 0}", Diff(Replace, "$.d", decimalValue), Diff(Insert, "$.t", Temporal(MySqlColumnType.Date, 2024, 2, 29, 0, 0, 0, 0)),
                Diff(Insert, "$.f", Double(1e20)))
            .Should().Be("{\"d\": 123.456, \"f\": 1e20, \"t\": \"2024-02-29\"}");
    }

    [Fact]
    public void Untouched_text_keeps_its_numbers_and_escapes()
    {
        Apply("{\"big\": 18446744073709551615, \"dbl\": 1.5e-7, \"s\": \"\\u0001\\n\\\\\", \"x\": 1}", Diff(Replace, "$.x", Int16(2)))
            .Should().Be("{\"big\": 18446744073709551615, \"dbl\": 1.5e-7, \"s\": \"\\u0001\\n\\\\\", \"x\": 2}");
    }

    [Fact]
    public void Empty_diff_list_leaves_the_document_as_MySQL_prints_it()
    {
        Apply("{ \"a\" :[1,2] }").Should().Be("{\"a\": [1, 2]}");
    }

    [Fact]
    public void Reads_only_its_own_bytes()
    {
        var data = DiffList(Diff(Replace, "$.a", Int16(1))).Concat(new byte[] { 0xAA, 0xBB }).ToArray();
        var offset = 0;

        JsonDiffApplier.Apply("{\"a\": 0}", data, ref offset).Should().Be("{\"a\": 1}");

        offset.Should().Be(data.Length - 2);
    }

    public static TheoryData<string, string, byte[]> Rejected => new()
    {
        { "REPLACE of a missing member", "{\"a\": 1}", Diff(Replace, "$.b", Int16(1)) },
        { "REPLACE past the array end", "[1]", Diff(Replace, "$[1]", Int16(1)) },
        { "INSERT of an existing member", "{\"a\": 1}", Diff(Insert, "$.a", Int16(1)) },
        { "INSERT under a missing parent", "{\"a\": 1}", Diff(Insert, "$.b.c", Int16(1)) },
        { "INSERT of a member into an array", "[1]", Diff(Insert, "$.a", Int16(1)) },
        { "REMOVE of a missing member", "{\"a\": 1}", Diff(Remove, "$.b") },
        { "REMOVE past the array end", "[1]", Diff(Remove, "$[3]") },
        { "the root path", "{\"a\": 1}", Diff(Replace, "$", Int16(1)) },
        { "a cell leg on a scalar", "{\"a\": 1}", Diff(Replace, "$.a[0]", Int16(1)) },
        { "an unknown operation", "{\"a\": 1}", Diff(3, "$.a", Int16(1)) },
        { "a path without '$'", "{\"a\": 1}", Diff(Replace, ".a", Int16(1)) },
        { "a wildcard path", "{\"a\": 1}", Diff(Replace, "$.*", Int16(1)) },
        { "an unterminated index", "[1]", Diff(Replace, "$[0", Int16(1)) },
        { "an empty value", "{\"a\": 1}", [Replace, 3, (byte)'$', (byte)'.', (byte)'a', 0] },
        { "a malformed value", "{\"a\": 1}", [Replace, 3, (byte)'$', (byte)'.', (byte)'a', 2, 0x0D, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Diffs_that_do_not_apply_are_corrupt(string because, string before, byte[] diff)
    {
        var data = DiffList(diff);

        var act = () =>
        {
            var offset = 0;
            return JsonDiffApplier.Apply(before, data, ref offset);
        };

        act.Should().Throw<BinlogException>(because).Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\": }")]
    [InlineData("[1, 2")]
    [InlineData("{\"a\" 1}")]
    [InlineData("\"unterminated")]
    [InlineData("[01x]")]
    public void Before_image_that_is_not_json_is_corrupt(string before)
    {
        var data = DiffList(Diff(Replace, "$[0]", Int16(1)));

        var act = () =>
        {
            var offset = 0;
            return JsonDiffApplier.Apply(before, data, ref offset);
        };

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }

    [Fact]
    public void Every_truncation_of_a_diff_list_is_corrupt()
    {
        var data = DiffList(Diff(Replace, "$.a", String("hello")), Diff(Remove, "$.b"));

        for (var length = 0; length < data.Length; length++)
        {
            var prefix = data[..length];
            var act = () =>
            {
                var offset = 0;
                return JsonDiffApplier.Apply("{\"a\": 1, \"b\": 2}", prefix, ref offset);
            };
            act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
        }
    }

    [Fact]
    public void Diff_list_length_past_its_content_is_corrupt()
    {
        var diff = Diff(Remove, "$.a");
        byte[] data = [.. BitConverter.GetBytes(diff.Length + 1), .. diff, 0x00];

        var act = () =>
        {
            var offset = 0;
            return JsonDiffApplier.Apply("{\"a\": 1}", data, ref offset);
        };

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt);
    }
}
