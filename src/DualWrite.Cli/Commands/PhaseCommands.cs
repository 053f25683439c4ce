using System.CommandLine;
using DualWrite.Core.Phases;
using DualWrite.MySql.Control;
using Spectre.Console;

namespace DualWrite.Cli.Commands;

/// <summary><c>dualwrite phase ...</c>: show and change entities' migration phases in the MySQL control tables.</summary>
public static class PhaseCommands
{
    /// <summary>Builds the <c>phase</c> command group.</summary>
    public static Command Create()
    {
        var database = new Option<string?>("--database", "-d") { Description = "The database holding the control tables (default: DUALWRITE_MYSQL_DATABASE)." };
        var phaseTable = new Option<string>("--phase-table") { Description = "The phase table.", DefaultValueFactory = _ => PhaseControlTables.DefaultPhaseTable };
        var auditTable = new Option<string>("--audit-table") { Description = "The audit table.", DefaultValueFactory = _ => PhaseControlTables.DefaultAuditTable };
        var healthTable = new Option<string>("--health-table") { Description = "The table application instances report their figures into (the secondary-errors gate reads it).", DefaultValueFactory = _ => PhaseControlTables.DefaultHealthTable };
        PhaseTarget Target(ParseResult parse) => new(parse.GetValue(database), parse.GetValue(phaseTable)!, parse.GetValue(auditTable)!) { HealthTable = parse.GetValue(healthTable)! };
        Option<string> Entity(bool required) => new("--entity", "-e") { Description = "The entity (table or aggregate).", Required = required };
        Option<string> Actor() => new("--actor") { Description = "Who makes the change (kept in the audit table).", Required = true };
        Option<string> Reason() => new("--reason") { Description = "Why (kept in the audit table).", Required = true };

        var group = new Command("phase", "Show and change entities' migration phases. Connection settings come from DUALWRITE_MYSQL_* variables.");
        group.Options.Add(database);
        group.Options.Add(phaseTable);
        group.Options.Add(auditTable);
        group.Options.Add(healthTable);
        foreach (var option in new Option[] { database, phaseTable, auditTable, healthTable })
        {
            option.Recursive = true;
        }

        var showEntity = Entity(required: false);
        var show = new Command("show", "Print every entity's phase, or one entity's.") { showEntity };
        show.SetAction((parse, ct) => PhaseShowCommand.RunAsync(new(Target(parse), parse.GetValue(showEntity)), AnsiConsole.Console, ct));
        group.Subcommands.Add(show);

        var initEntity = Entity(required: true);
        var initActor = Actor();
        var init = new Command("init", "Create the control tables if needed and put an entity in OldOnly (an entity that has a phase is left as it is).") { initEntity, initActor };
        init.SetAction((parse, ct) => PhaseInitCommand.RunAsync(new(Target(parse), parse.GetValue(initEntity)!, parse.GetValue(initActor)!), AnsiConsole.Console, ct));
        group.Subcommands.Add(init);

        group.Subcommands.Add(ChangeCommand("advance", "Move an entity one phase forward; every gate must pass. A refusal is audited with the gates' verdicts.", PhaseTransitionKind.Advance, Target, Entity, Actor, Reason));
        group.Subcommands.Add(ChangeCommand("step-back", "Move an entity one phase back (never gated).", PhaseTransitionKind.StepBack, Target, Entity, Actor, Reason));
        group.Subcommands.Add(ChangeCommand("rollback", "Move an entity back to an earlier phase in one step (never gated).", PhaseTransitionKind.RollbackTo, Target, Entity, Actor, Reason));

        var historyEntity = Entity(required: true);
        var history = new Command("history", "Print every change of an entity and every refused request, with the gates' verdicts, oldest first.") { historyEntity };
        history.SetAction((parse, ct) => PhaseHistoryCommand.RunAsync(new(Target(parse), parse.GetValue(historyEntity)!), AnsiConsole.Console, ct));
        group.Subcommands.Add(history);
        return group;
    }

    private static Command ChangeCommand(
        string name,
        string description,
        PhaseTransitionKind kind,
        Func<ParseResult, PhaseTarget> target,
        Func<bool, Option<string>> entityOption,
        Func<Option<string>> actorOption,
        Func<Option<string>> reasonOption)
    {
        var entity = entityOption(true);
        var actor = actorOption();
        var reason = reasonOption();
        var command = new Command(name, description) { entity, actor, reason };
        Option<string?>? plan = null;
        if (kind == PhaseTransitionKind.Advance)
        {
            plan = new Option<string?>("--plan") { Description = "The entity's migration plan: its gates decide the move (needed to advance into a phase that writes both stores)." };
            command.Options.Add(plan);
        }

        Option<string>? to = null;
        if (kind == PhaseTransitionKind.RollbackTo)
        {
            to = new Option<string>("--to") { Description = "The phase to go back to.", Required = true };
            command.Options.Add(to);
        }

        command.SetAction((parse, ct) => PhaseChangeCommand.RunAsync(
            new(target(parse), parse.GetValue(entity)!, kind, to is null ? null : parse.GetValue(to), parse.GetValue(actor)!, parse.GetValue(reason)!)
            {
                Plan = plan is null ? null : parse.GetValue(plan),
            },
            Environment.GetEnvironmentVariable,
            AnsiConsole.Console,
            ct));
        return command;
    }
}
