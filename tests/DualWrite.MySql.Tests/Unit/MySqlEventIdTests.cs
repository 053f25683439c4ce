using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Unit;

public sealed class MySqlEventIdTests
{
    [Fact]
    public void EveryLogMessage_TakesADistinctIdFromTheRegistry_In2000To2999()
    {
        var used = LogEventIds.Used(typeof(MySqlEventIds).Assembly);
        var defined = LogEventIds.Defined(typeof(MySqlEventIds));

        used.Should().NotBeEmpty();
        used.Select(m => m.Id).Should().OnlyHaveUniqueItems("an event id names one message");
        used.Select(m => m.Id).Should().BeEquivalentTo(defined, "every message takes its id from the registry, and every id there is used");
        defined.Should().OnlyContain(id => id >= 2000 && id <= 2999);
    }
}
