using DualWrite.Dashboard.Standalone;

namespace DualWrite.Dashboard.Tests;

public sealed class DashboardTokensTests
{
    private readonly DashboardTokens _tokens = new("operator-token-0123456789", "viewer-token-0123456789");

    [Theory]
    [InlineData("operator-token-0123456789", DashboardRoles.Operator)]
    [InlineData("viewer-token-0123456789", DashboardRoles.Viewer)]
    [InlineData("operator-token-012345678", null)]
    [InlineData("operator-token-0123456789 ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void RoleOf_GrantsARoleOnlyForTheExactToken(string? token, string? role) => _tokens.RoleOf(token).Should().Be(role);

    [Fact]
    public void Tokens_ShorterThanTheMinimum_OrTheSameForBothRoles_AreRefused()
    {
        FluentActions.Invoking(() => new DashboardTokens("short", null)).Should().Throw<ArgumentException>().WithMessage("*DUALWRITE_DASHBOARD_TOKEN*16*");
        FluentActions.Invoking(() => new DashboardTokens("operator-token-0123456789", "operator-token-0123456789")).Should().Throw<ArgumentException>().WithMessage("*DUALWRITE_DASHBOARD_VIEWER_TOKEN*differ*");
        new DashboardTokens("operator-token-0123456789", null).RoleOf("viewer-token-0123456789").Should().BeNull();
    }
}
