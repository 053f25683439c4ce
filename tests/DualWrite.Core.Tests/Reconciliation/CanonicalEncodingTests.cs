using System.Collections;
using DualWrite.Core.Reconciliation;

namespace DualWrite.Core.Tests.Reconciliation;

public sealed class CanonicalEncodingTests
{
    [Theory]
    [InlineData((short)5, 5L)]
    [InlineData(5, 5L)]
    [InlineData((byte)5, (sbyte)5)]
    [InlineData(5u, 5UL)]
    public void Integers_of_every_width_are_one_integer(object a, object b) => CanonicalEncoding.Same(a, b).Should().BeTrue();

    [Fact]
    public void Decimals_compare_by_value_and_whole_ones_equal_the_integer()
    {
        CanonicalEncoding.Same(1.50m, 1.5m).Should().BeTrue();
        CanonicalEncoding.Same(20m, 20L).Should().BeTrue();
        CanonicalEncoding.Same(1.51m, 1.5m).Should().BeFalse();
        CanonicalEncoding.Same(ulong.MaxValue, 18446744073709551615m).Should().BeTrue();
    }

    [Fact]
    public void Null_the_empty_string_and_the_empty_bytes_all_differ()
    {
        CanonicalEncoding.Same(null, "").Should().BeFalse();
        CanonicalEncoding.Same("", Array.Empty<byte>()).Should().BeFalse();
        CanonicalEncoding.Same(null, Array.Empty<byte>()).Should().BeFalse();
    }

    [Fact]
    public void Floating_point_one_ulp_apart_differs()
    {
        CanonicalEncoding.Same(0.1, Math.BitIncrement(0.1)).Should().BeFalse();
        CanonicalEncoding.Same(0.1f, MathF.BitIncrement(0.1f)).Should().BeFalse();
        CanonicalEncoding.Same(double.NaN, -double.NaN).Should().BeTrue();
        CanonicalEncoding.Same(1.0, 1.0f).Should().BeFalse("a real and a double are different types");
    }

    [Fact]
    public void Text_as_a_string_or_as_its_utf8_bytes_is_the_same_value()
    {
        CanonicalEncoding.Same("héllo ☃", new ReadOnlyMemory<byte>("héllo ☃"u8.ToArray())).Should().BeTrue();
        CanonicalEncoding.Same("a", "a ").Should().BeFalse();
    }

    [Fact]
    public void Times_compare_by_ticks_and_a_microsecond_differs()
    {
        var t = new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc);
        CanonicalEncoding.Same(t, DateTime.SpecifyKind(t, DateTimeKind.Unspecified)).Should().BeTrue();
        CanonicalEncoding.Same(t, t.AddTicks(10)).Should().BeFalse();
        CanonicalEncoding.Same(new DateTimeOffset(t), t).Should().BeTrue();
    }

    [Fact]
    public void Bits_and_sets_compare_by_content()
    {
        CanonicalEncoding.Same(new BitArray([true, false, true]), new BitArray([true, false, true])).Should().BeTrue();
        CanonicalEncoding.Same(new BitArray([true, false, true]), new BitArray([true, false, true, false])).Should().BeFalse();
        CanonicalEncoding.Same(new[] { "a", "b" }, new[] { "a", "b" }).Should().BeTrue();
        CanonicalEncoding.Same(new[] { "a", "b" }, new[] { "ab" }).Should().BeFalse();
    }

    [Fact]
    public void A_type_without_a_canonical_form_is_refused_by_name()
    {
        var encode = () => CanonicalEncoding.Encode([new Uri("http://x")]);
        encode.Should().Throw<ArgumentException>().WithMessage("*System.Uri*canonical*");
    }

    [Fact]
    public void Text_form_reads_back_to_the_same_values()
    {
        object?[] values = [42L, -7, 1.25m, "it's", new byte[] { 0, 255 }, new DateTime(2020, 1, 2, 3, 4, 5).AddTicks(60), TimeSpan.FromMicroseconds(-3),
            0.1, 0.5f, true, Guid.NewGuid(), new BitArray([true, false]), new[] { "x", "y" }, null];

        var back = CanonicalEncoding.FromText(CanonicalEncoding.ToText(values));

        CanonicalEncoding.Encode(back).Should().Equal(CanonicalEncoding.Encode(values));
        var bad = () => CanonicalEncoding.FromText("[\"q:1\"]");
        bad.Should().Throw<FormatException>().WithMessage("*q:1*");
    }

    [Fact]
    public void Row_keys_are_equal_by_value_and_show_composite_keys_in_parentheses()
    {
        new RowKey([5, "a"]).Should().Be(new RowKey([5L, "a"]));
        new RowKey([5, "a"]).ToString().Should().Be("(5, 'a')");
        new RowKey([5L]).ToString().Should().Be("5");
    }
}

public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData("{\"b\": 1, \"a\": [1.50, \"x\"]}", "{\"a\":[1.5,\"x\"],\"b\":1}")]
    [InlineData("{\"a\":1e2}", "{\"a\":100}")]
    [InlineData("\"h\\u00e9\"", "\"hé\"")]
    [InlineData("{\"a\":1,\"a\":2}", "{\"a\":2}")]
    public void Documents_equal_by_meaning_have_one_text(string json, string canonical) =>
        CanonicalJson.Normalize(json).Should().Be(canonical);

    [Fact]
    public void Different_documents_stay_different_and_bad_text_is_refused()
    {
        CanonicalJson.Normalize("{\"a\":\"1\"}").Should().NotBe(CanonicalJson.Normalize("{\"a\":1}"));
        CanonicalJson.Normalize("[1,2]").Should().NotBe(CanonicalJson.Normalize("[2,1]"));
        var bad = () => CanonicalJson.Normalize("{nope");
        bad.Should().Throw<FormatException>();
    }
}

public sealed class CanonicalNumberTests
{
    [Theory]
    [InlineData("-0.0", "0")]
    [InlineData("2.50", "2.5")]
    [InlineData("+007", "7")]
    [InlineData("1e2", "100")]
    [InlineData("1.25E-3", "0.00125")]
    [InlineData("123456789012345678901234567890.123456789012345678901234567890", "123456789012345678901234567890.12345678901234567890123456789")]
    [InlineData("1e2000", "1E2000")]
    [InlineData("NaN", "NaN")]
    public void Numbers_equal_by_value_have_one_exact_text(string text, string canonical) =>
        CanonicalNumber.Normalize(text).Should().Be(canonical);

    [Fact]
    public void Json_numbers_keep_every_digit()
    {
        CanonicalJson.Normalize("[0.1000000000000000000000000001]").Should().Be("[0.1000000000000000000000000001]");
        CanonicalJson.TryNormalize("{nope", out _).Should().BeFalse();
        CanonicalJson.TryNormalize("{\"b\":1.0,\"a\":null}", out var canonical).Should().BeTrue();
        canonical.Should().Be("{\"a\":null,\"b\":1}");
    }

    [Fact]
    public void A_row_digested_as_it_is_read_hashes_as_its_values_do()
    {
        var text = "naïve ☃ " + new string('x', 2_000); // longer than the hasher's first buffer
        using var table = new System.Data.DataTable();
        table.Columns.Add("id", typeof(long));
        table.Columns.Add("c", typeof(byte[]));
        table.Columns.Add("note", typeof(string));
        table.Rows.Add(7L, System.Text.Encoding.UTF8.GetBytes(text), null);
        using var reader = table.CreateDataReader();
        reader.Read().Should().BeTrue();
        var hasher = new RowHasher();

        for (var pass = 0; pass < 2; pass++)
        {
            hasher.Start();
            hasher.Add(reader.GetInt64(0));
            System.Text.Encoding.UTF8.GetString(hasher.AddUtf8(reader, 1)).Should().Be(text);
            hasher.Add(null);

            hasher.Finish(42).Should().Be(CanonicalEncoding.RowHash([7L, text, null], 42), "the same values give the same hash, however they were read (pass {0})", pass);
        }

        hasher.Start();
        hasher.Add(7L);
        hasher.Add(text);
        hasher.Add("");
        hasher.Finish(null).Should().NotBe(CanonicalEncoding.RowHash([7L, text, null], null), "the empty string is not NULL");
    }
}
