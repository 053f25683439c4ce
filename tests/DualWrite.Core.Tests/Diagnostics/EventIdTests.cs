using DualWrite.Core.Diagnostics;
using DualWrite.Hosting;
using DualWrite.Testing;

namespace DualWrite.Core.Tests.Diagnostics;

public sealed class EventIdTests
{
    [Theory]
    [InlineData(typeof(DualWriteEventIds), 1000, 1499)]
    [InlineData(typeof(HostingEventIds), 1500, 1999)]
    public void EveryLogMessage_TakesADistinctIdFromItsAssemblysRegistry_InItsAssemblysRange(Type registry, int first, int last)
    {
        var used = LogEventIds.Used(registry.Assembly);
        var defined = LogEventIds.Defined(registry);

        used.Should().NotBeEmpty();
        used.Select(m => m.Id).Should().OnlyHaveUniqueItems("an event id names one message");
        used.Select(m => m.Id).Should().BeEquivalentTo(defined, "every message takes its id from the registry, and every id there is used");
        defined.Should().OnlyContain(id => id >= first && id <= last);
    }
}
