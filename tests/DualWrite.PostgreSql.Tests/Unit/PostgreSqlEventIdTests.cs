using DualWrite.Testing;

namespace DualWrite.PostgreSql.Tests.Unit;

public sealed class PostgreSqlEventIdTests
{
    [Fact]
    public void EveryLogMessage_TakesADistinctIdFromTheRegistry_In3000To3999()
    {
        var used = LogEventIds.Used(typeof(PostgreSqlEventIds).Assembly);
        var defined = LogEventIds.Defined(typeof(PostgreSqlEventIds));

        used.Should().NotBeEmpty();
        used.Select(m => m.Id).Should().OnlyHaveUniqueItems("an event id names one message");
        used.Select(m => m.Id).Should().BeEquivalentTo(defined, "every message takes its id from the registry, and every id there is used");
        defined.Should().OnlyContain(id => id >= 3000 && id <= 3999);
    }
}
