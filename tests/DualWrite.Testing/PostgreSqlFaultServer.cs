using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DualWrite.Testing;

/// <summary>
/// The second PostgreSQL of eng/services.sh (<c>postgres-faults</c>, port DUALWRITE_PG_FAULTS_PORT, default 55433), set
/// up like the first: the one fault runs may crash, restart or pause, so nothing they do reaches the tests running on
/// the first server at the same time.
/// </summary>
public static class PostgreSqlFaultServer
{
    public static int Port => int.Parse(PostgreSqlServer.Env("DUALWRITE_PG_FAULTS_PORT", "55433"), CultureInfo.InvariantCulture);

    public static string ConnectionString(Action<NpgsqlConnectionStringBuilder>? configure = null) =>
        PostgreSqlServer.ConnectionString(b =>
        {
            b.Port = Port;
            configure?.Invoke(b);
        });

    /// <summary>A data source over the fault server's database, after checking the server is up.</summary>
    public static NpgsqlDataSource CreateDataSource(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        EnsureReachable();
        return NpgsqlDataSource.Create(ConnectionString(configure));
    }

    public static void EnsureReachable() => PostgreSqlServer.EnsureReachable(Port, "postgres-faults");

    private static string DataDir => Path.Combine(MariaDbServer.ServicesDir, "postgres-faults", "data");

    /// <summary>The postmaster's process id, from the first line of its pid file.</summary>
    public static int ProcessId() =>
        int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);

    /// <summary>Crashes the server: SIGKILL to the postmaster and every backend, as a machine losing power does, and waits until they are gone.</summary>
    public static async Task KillAsync()
    {
        var processes = ServerProcesses();
        Signal("KILL", processes);
        foreach (var process in processes)
        {
            try
            {
                using var p = Process.GetProcessById(process);
                await p.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        // The pid file of a killed postmaster stays behind; the next start checks it and starts anyway.
    }

    /// <summary>Starts the server again (eng/services.sh up postgres-faults) and returns once it answers.</summary>
    public static void Start() => MariaDbServer.Services("up postgres-faults");

    /// <summary>
    /// Freezes the server (SIGSTOP to the postmaster and every backend): connections stay open and every call on them
    /// hangs, as with a server that stopped answering. <see cref="Resume"/> undoes it.
    /// </summary>
    public static void Pause()
    {
        // The postmaster may fork a backend between the listing and the signal; once it is stopped it forks no more,
        // so the listing is repeated until it finds no process that was not stopped yet.
        var stopped = new HashSet<int>();
        while (ServerProcesses().Where(p => !stopped.Contains(p)).ToList() is { Count: > 0 } running)
        {
            Signal("STOP", running);
            stopped.UnionWith(running);
        }
    }

    /// <summary>Lets a paused server run again (SIGCONT), including backends started just before the pause.</summary>
    public static void Resume() => Signal("CONT", ServerProcesses());

    /// <summary>The postmaster and its children (backends and auxiliary processes), read from /proc.</summary>
    private static List<int> ServerProcesses()
    {
        var postmaster = ProcessId();
        var processes = new List<int> { postmaster };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster)
                {
                    processes.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while being looked at.
            }
        }

        return processes;
    }

    /// <summary>Sends <paramref name="signal"/> (KILL, STOP, CONT) to <paramref name="processes"/> with the stock <c>kill</c>.</summary>
    internal static void Signal(string signal, IEnumerable<int> processes)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, .. processes.Select(p => p.ToString(CultureInfo.InvariantCulture))]) { RedirectStandardError = true })!;
        kill.WaitForExit();
    }
}
