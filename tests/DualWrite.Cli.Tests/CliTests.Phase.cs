using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.Core.Phases;
using DualWrite.Testing;

namespace DualWrite.Cli.Tests;

/// <summary>The phase commands, each test on control tables of its own in the services script's database.</summary>
public sealed partial class CliTests
{
    private static PhaseTarget NewPhaseTarget()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new PhaseTarget(MariaDbServer.Database, $"cli_phase_{suffix}", $"cli_phase_audit_{suffix}") { HealthTable = $"cli_health_{suffix}" };
    }

    /// <summary>Runs <paramref name="test"/> on control tables of its own with "orders" initialized, and drops them afterwards.</summary>
    private static async Task WithOrdersAsync(Func<PhaseTarget, Task> test)
    {
        Source();
        var target = NewPhaseTarget();
        try
        {
            var (console, output) = Capture();
            (await PhaseInitCommand.RunAsync(new(target, "orders", "alice"), console, CancellationToken.None)).Should().Be(ExitCodes.Success);
            output.ToString().Should().Contain("initialized orders in OldOnly");
            await test(target);
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS `{target.Database}`.`{target.PhaseTable}`, `{target.Database}`.`{target.AuditTable}`, `{target.Database}`.`{target.HealthTable}`");
        }
    }

    private static async Task<(int Exit, string Output)> ChangeAsync(PhaseTarget target, PhaseTransitionKind kind, string? to = null, string entity = "orders", string? plan = null)
    {
        var (console, output) = Capture();
        var exit = await PhaseChangeCommand.RunAsync(
            new(target, entity, kind, to, "alice", $"{kind} for the test") { Plan = plan }, Environment.GetEnvironmentVariable, console, CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public Task Phase_InitAdvanceRollback_ShowAndHistoryTellTheStory() => WithOrdersAsync(async target =>
        {
            (await ChangeAsync(target, PhaseTransitionKind.Advance)).Should().Match<(int Exit, string Output)>(r =>
                r.Exit == ExitCodes.Success && r.Output.Contains("applied orders: OldOnly -> Backfill (Advance), revision 2"));
            (await ChangeAsync(target, PhaseTransitionKind.StepBack)).Exit.Should().Be(ExitCodes.Success);
            (await ChangeAsync(target, PhaseTransitionKind.Advance)).Exit.Should().Be(ExitCodes.Success);
            (await ChangeAsync(target, PhaseTransitionKind.RollbackTo, "oldonly")).Output.Should().Contain("Backfill -> OldOnly (RollbackTo)");

            var (console, output) = Capture();
            (await PhaseShowCommand.RunAsync(new(target, null), console, CancellationToken.None)).Should().Be(ExitCodes.Success);
            output.ToString().Should().Contain("orders").And.Contain("OldOnly").And.Contain("alice");

            (console, output) = Capture();
            (await PhaseHistoryCommand.RunAsync(new(target, "orders"), console, CancellationToken.None)).Should().Be(ExitCodes.Success);
            var history = output.ToString();
            history.Should().Contain("Initialize").And.Contain("RollbackTo").And.Contain("Advance for the test");
            history.Split('\n').Count(l => l.Contains("alice", StringComparison.Ordinal)).Should().Be(5);
        });

    [Fact]
    public Task Phase_IllegalMoves_ExitWithTransitionRejected_KeepThePhase_AndAreAudited() => WithOrdersAsync(async target =>
        {
            var stepBack = await ChangeAsync(target, PhaseTransitionKind.StepBack);
            var rollForward = await ChangeAsync(target, PhaseTransitionKind.RollbackTo, "NewOnly");

            stepBack.Exit.Should().Be(ExitCodes.TransitionRejected);
            stepBack.Output.Should().Contain("OldOnly is the first phase").And.Contain("the phase is unchanged, the refusal is audit row");
            rollForward.Exit.Should().Be(ExitCodes.TransitionRejected);
            rollForward.Output.Should().Contain("WrongDirection");
            var (showConsole, show) = Capture();
            await PhaseShowCommand.RunAsync(new(target, "orders"), showConsole, CancellationToken.None);
            show.ToString().Should().Contain("OldOnly");
            var (historyConsole, history) = Capture();
            await PhaseHistoryCommand.RunAsync(new(target, "orders"), historyConsole, CancellationToken.None);
            var lines = history.ToString().Split('\n');
            lines.Should().ContainSingle(l => l.Contains("StepBack", StringComparison.Ordinal) && l.Contains("refused (NoChange)", StringComparison.Ordinal));
            lines.Should().ContainSingle(l => l.Contains("RollbackTo", StringComparison.Ordinal) && l.Contains("refused (WrongDirection)", StringComparison.Ordinal));
        });

    [Fact]
    public Task Phase_UninitializedEntity_ExitsWithNotInitialized() => WithOrdersAsync(async target =>
        {
            var advance = await ChangeAsync(target, PhaseTransitionKind.Advance, entity: "invoices");

            advance.Exit.Should().Be(ExitCodes.PhaseNotInitialized);
            advance.Output.Should().Contain("'invoices'").And.Contain("initialize it first");
        });

    [Fact]
    public async Task Phase_MissingControlTables_ExitWithServerError_AndSayHowToCreateThem()
    {
        Source();
        var (console, output) = Capture();

        var exit = await PhaseShowCommand.RunAsync(new(NewPhaseTarget(), null), console, CancellationToken.None);

        exit.Should().Be(ExitCodes.ServerError);
        output.ToString().Should().Contain("dualwrite phase init");
    }

    [Fact]
    public async Task Phase_RollbackToUnknownPhase_ExitsWithInvalidArguments()
    {
        var (exit, output) = await ChangeAsync(NewPhaseTarget(), PhaseTransitionKind.RollbackTo, "Yesterday");

        exit.Should().Be(ExitCodes.InvalidArguments);
        output.Should().Contain("'Yesterday' is not a phase").And.Contain("DualWriteReadOld");
    }

    [Fact]
    public async Task Phase_MissingRequiredOption_ExitsWithInvalidArguments() =>
        (await Program.Main(["phase", "advance", "--entity", "orders", "--actor", "alice"])).Should().Be(ExitCodes.InvalidArguments);
}
