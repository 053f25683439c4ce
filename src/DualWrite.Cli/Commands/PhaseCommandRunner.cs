using DualWrite.Core.Phases;
using DualWrite.MySql.Control;
using DualWrite.MySql;
using MySqlConnector;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary>Opens the phase control for a <see cref="PhaseTarget"/>, runs a phase command on it and turns its failures into messages and exit codes.</summary>
public static class PhaseCommandRunner
{
    /// <summary>Runs <paramref name="body"/> against the control tables of <paramref name="target"/>; returns an exit code.</summary>
    public static Task<int> RunAsync(PhaseTarget target, IAnsiConsole console, Func<MySqlPhaseControl, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(target, (_, _) => [], console, body, cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> against the control tables of <paramref name="target"/>, forward moves passing the
    /// gates <paramref name="gates"/> makes over the control database and its tables; returns an exit code.
    /// </summary>
    public static async Task<int> RunAsync(
        PhaseTarget target,
        Func<MySqlDataSource, PhaseControlTables, IReadOnlyList<IPhaseGate>> gates,
        IAnsiConsole console,
        Func<MySqlPhaseControl, Task<int>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        var builder = SourceConnection.FromEnvironment(target.Database);
        if (string.IsNullOrEmpty(builder.Database))
        {
            console.MarkupLine("[red]error[/] No control database: pass --database or set DUALWRITE_MYSQL_DATABASE.");
            return ExitCodes.InvalidArguments;
        }

        try
        {
            var tables = target.Tables;
            var dataSource = new MySqlDataSource(builder.ConnectionString);
            await using (dataSource.ConfigureAwait(false))
            {
                var control = new MySqlPhaseControl(dataSource, new PhaseTransitionPlanner(gates(dataSource, tables), TimeProvider.System), tables);
                return await body(control).ConfigureAwait(false);
            }
        }
        catch (PhaseConflictException ex)
        {
            return Fail(console, ex.Message, ExitCodes.PhaseConflict);
        }
        catch (PhaseControlException ex)
        {
            return Fail(console, ex.Message, ex.Error == PhaseControlError.NotInitialized ? ExitCodes.PhaseNotInitialized : ExitCodes.InvalidPhaseState);
        }
        catch (MySqlException ex)
        {
            var hint = ex.Number == 1146
                ? $"The control tables do not exist in database '{builder.Database}': create them with `dualwrite phase init --entity <name> --actor <who>`."
                : null;
            return ErrorReport.Report(console, ex, hint);
        }
        catch (ArgumentException ex)
        {
            return Fail(console, ex.Message, ExitCodes.InvalidArguments);
        }
    }

    private static int Fail(IAnsiConsole console, string message, int exitCode)
    {
        console.MarkupLine($"[red]error[/] {Markup.Escape(message)}");
        return exitCode;
    }
}
