using System.Buffers.Binary;
using DualWrite.MySql.Replication;

namespace DualWrite.MySql.Replication.Tests.Binlog;

public sealed class MySqlGtidSetTests
{
    private const string A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private const string B = "8a94f357-aab4-11df-86ab-c80aa9429562";

    [Theory]
    [InlineData("", "")]
    [InlineData(A + ":1-5", A + ":1-5")]
    [InlineData(A + ":1-5:7:9-10", A + ":1-5:7:9-10")]
    [InlineData(A + ":1-3:4-6", A + ":1-6")]
    [InlineData(B + ":2, " + A + ":1", A + ":1," + B + ":2")]
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1", A + ":1")]
    public void Parse_ThenToString_IsCanonical(string text, string expected) =>
        MySqlGtidSet.Parse(text).ToString().Should().Be(expected);

    [Fact]
    public void Add_AdjacentTransaction_ExtendsTheInterval()
    {
        var set = MySqlGtidSet.Parse(A + ":1-5:7");

        set.Add(Guid.Parse(A), null, 6);
        set.Add(Guid.Parse(B), null, 1);

        set.ToString().Should().Be(A + ":1-7," + B + ":1");
        set.Contains(Guid.Parse(A), null, 6).Should().BeTrue();
        set.Contains(Guid.Parse(A), null, 8).Should().BeFalse();
    }

    [Fact]
    public void Tagged_KeepsTheTagApart()
    {
        var set = MySqlGtidSet.Parse(A + ":1-2," + A + ":mytag:5");

        set.Contains(Guid.Parse(A), "mytag", 5).Should().BeTrue();
        set.Contains(Guid.Parse(A), null, 5).Should().BeFalse();
        set.Invoking(s => s.Encode()).Should().Throw<NotSupportedException>();
    }

    [Theory]
    [InlineData("not-a-uuid:1")]
    [InlineData(A + ":0")]
    [InlineData(A + ":5-3")]
    [InlineData(A)]
    public void Parse_Malformed_ThrowsFormatException(string text) =>
        FluentActions.Invoking(() => MySqlGtidSet.Parse(text)).Should().Throw<FormatException>();

    [Fact]
    public void Encode_FollowsTheDumpGtidLayout()
    {
        var bytes = MySqlGtidSet.Parse(A + ":1-5:7").Encode().AsSpan();

        BinaryPrimitives.ReadInt64LittleEndian(bytes).Should().Be(1);
        bytes.Slice(8, 16).ToArray().Should().Equal(Convert.FromHexString(A.Replace("-", "", StringComparison.Ordinal)));
        BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]).Should().Be(2);
        BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]).Should().Be(1);
        BinaryPrimitives.ReadInt64LittleEndian(bytes[40..]).Should().Be(6, "intervals are half-open");
        BinaryPrimitives.ReadInt64LittleEndian(bytes[48..]).Should().Be(7);
        BinaryPrimitives.ReadInt64LittleEndian(bytes[56..]).Should().Be(8);
        bytes.Length.Should().Be(64);
    }
}
