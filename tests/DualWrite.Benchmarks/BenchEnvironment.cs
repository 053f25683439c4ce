using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace DualWrite.Benchmarks;

/// <summary>Connection settings (the same DUALWRITE_MYSQL_* variables as eng/services.sh) and process helpers.</summary>
internal static class BenchEnvironment
{
    public static string Host => Env("DUALWRITE_MYSQL_HOST", "127.0.0.1");
    public static string Port => Env("DUALWRITE_MYSQL_PORT", "33306");
    public static string User => Env("DUALWRITE_MYSQL_USER", "dualwrite");
    public static string Password => Env("DUALWRITE_MYSQL_PASSWORD", "dualwrite-local-only");

    public static string ConnectionString(string database) => new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = uint.Parse(Port, CultureInfo.InvariantCulture),
        UserID = User,
        Password = Password,
        Database = database,
        SslMode = MySqlSslMode.None,
        DefaultCommandTimeout = 0,
    }.ConnectionString;

    /// <summary>Runs a shell command with the MySQL password in MYSQL_PWD (never on a command line); returns elapsed time.</summary>
    public static TimeSpan RunShell(string script, bool quiet = true)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = quiet,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.Environment["MYSQL_PWD"] = Password;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        if (quiet)
        {
            process.StandardOutput.ReadToEnd();
        }

        process.WaitForExit();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"command failed with exit code {process.ExitCode}: {script}");
        }

        return watch.Elapsed;
    }

    /// <summary>Runs a shell command quietly and returns its exit code.</summary>
    public static int RunShellStatus(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    public static string MariaDbClientArgs => $"--no-defaults -h {Host} -P {Port} -u {User}";

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
