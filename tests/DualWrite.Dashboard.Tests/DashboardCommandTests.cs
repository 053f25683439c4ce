using DualWrite.Cli.Commands;

namespace DualWrite.Dashboard.Tests;

/// <summary><c>dualwrite dashboard</c>'s refusals before it serves anything.</summary>
public sealed class DashboardCommandTests
{
    private static readonly PhaseTarget Target = new("dualwrite");

    [Fact]
    public async Task WithoutTheOperatorsToken_ItExits2_AndSaysWhichVariableToSet()
    {
        var (console, output) = MigrationRig.Capture();
        var exit = await DashboardCommand.RunAsync(new("plan.yaml", null, Target), _ => null, console, CancellationToken.None);

        exit.Should().Be(2);
        output.ToString().Should().Contain("Set DUALWRITE_DASHBOARD_TOKEN").And.Contain("openssl rand");
    }

    [Fact]
    public async Task AViewerTokenLikeTheOperators_IsRefused()
    {
        var (console, output) = MigrationRig.Capture();
        var exit = await DashboardCommand.RunAsync(
            new("plan.yaml", null, Target), name => name.StartsWith("DUALWRITE_DASHBOARD_", StringComparison.Ordinal) ? "same-token-0123456789" : null, console, CancellationToken.None);

        exit.Should().Be(2);
        output.ToString().Should().Contain("DUALWRITE_DASHBOARD_VIEWER_TOKEN").And.NotContain("same-token-0123456789");
    }
}
