using System.Globalization;
using DualWrite.Core.Phases;

namespace DualWrite.Cli.Commands;

/// <summary>How the phase commands print times and gate verdicts.</summary>
public static class PhaseFormat
{
    /// <summary>A UTC time with microseconds, as the control tables keep it.</summary>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>One gate's verdict on one line: name, pass or FAIL, and its reason.</summary>
    public static string Gate(GateOutcome gate) =>
        $"{gate.GateName}: {(gate.Result.Passed ? "pass" : "FAIL")}{(gate.Result.Reason is { } reason ? " (" + reason + ")" : "")}";
}
