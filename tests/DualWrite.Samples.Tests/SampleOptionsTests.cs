using DualWrite.Samples.Orders.Migration;

namespace DualWrite.Samples.Tests;

public sealed class SampleOptionsTests
{
    private static SampleOptions Valid(Func<SampleOptions, SampleOptions>? change = null)
    {
        var options = new SampleOptions { ConnectionString = "Server=127.0.0.1", PostgreSqlConnectionString = "Host=127.0.0.1" };
        return change is null ? options : change(options);
    }

    [Fact]
    public void TheDefaults_AreValid() => Valid().Invoking(o => o.Validate()).Should().NotThrow();

    public static TheoryData<SampleOptions, string> Invalid() => new()
    {
        { new SampleOptions { ConnectionString = " ", PostgreSqlConnectionString = Pg }, "ConnectionString is required" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = "" }, "PostgreSqlConnectionString is required" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, OldDatabase = "orders`; DROP" }, "OldDatabase 'orders`; DROP' must be 1 to 48 ASCII letters" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, NewSchema = "x\"; DROP" }, "NewSchema 'x\"; DROP' must be" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, SeedOrders = -1 }, "SeedOrders must be 0 or more (got -1)" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, Clients = 0 }, "Clients must be 1 to 64 (got 0)" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, Dwell = TimeSpan.FromHours(1) }, "Dwell must be 0 to 10 minutes" },
        { new SampleOptions { ConnectionString = "Server=x", PostgreSqlConnectionString = Pg, MinimumOperationsPerPhase = -1 }, "MinimumOperationsPerPhase must be 0 or more" },
    };

    private const string Pg = "Host=x";

    [Theory]
    [MemberData(nameof(Invalid))]
    public void AnInvalidValue_IsRejectedBeforeAnythingRuns_NamingTheOption(SampleOptions options, string message)
    {
        var create = () => new SampleMigration(options, TextWriter.Null);

        create.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }
}
