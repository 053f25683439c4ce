using System.Diagnostics;
using System.Text;

namespace DualWrite.Testing;

/// <summary>
/// The <c>dualwrite</c> CLI as a child process (from the test's output directory, where a project reference to the CLI
/// puts it), with the test servers' passwords in its environment and its output kept for failure messages; for the
/// tests that kill it with SIGKILL at an observed point. <see cref="StartCommand"/> runs any other command the same way
/// (a container's command as a manifest gives it). A process still running when disposed is killed.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process) => _process = process;

    /// <summary>Everything the process printed so far (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>dualwrite <paramref name="arguments"/></c>; DUALWRITE_TEST_PG holds the test PostgreSQL's connection string,
    /// DUALWRITE_TEST_PG_FAULTS the fault PostgreSQL's (<see cref="PostgreSqlFaultServer"/>).
    /// </summary>
    public static CliProcess Start(params string[] arguments) => Start(new Dictionary<string, string?>(), arguments);

    /// <summary>
    /// Starts <c>dualwrite <paramref name="arguments"/></c> as <see cref="Start(string[])"/> does, with
    /// <paramref name="environment"/> set over the test servers' variables (a null value removes a variable).
    /// </summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var cli = Path.Combine(AppContext.BaseDirectory, "dualwrite.dll");
        var start = new ProcessStartInfo("dotnet", [cli, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DUALWRITE_MYSQL_PASSWORD"] = MariaDbServer.Password;
        start.Environment["DUALWRITE_TEST_PG"] = PostgreSqlServer.ConnectionString();
        start.Environment["DUALWRITE_TEST_PG_FAULTS"] = PostgreSqlFaultServer.ConnectionString();
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Launch(start);
    }

    /// <summary>
    /// Starts <paramref name="command"/> (file and arguments) in <paramref name="workingDirectory"/> with this test
    /// process's environment less every DUALWRITE_* variable (what the command needs must be in
    /// <paramref name="environment"/>), plus <paramref name="environment"/>.
    /// </summary>
    public static CliProcess StartCommand(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DUALWRITE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Launch(start);
    }

    private static CliProcess Launch(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var cliProcess = new CliProcess(process);
        // Drained as it comes, so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, e) => cliProcess.Append(e.Data);
        process.ErrorDataReceived += (_, e) => cliProcess.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cliProcess;
    }

    /// <summary>
    /// Waits until <paramref name="killPoint"/> holds; the process must still be running then (it fails, with its
    /// output, when it exits first or when the safety net <paramref name="timeout"/> passes).
    /// </summary>
    public async Task WaitForAsync(Func<Task<bool>> killPoint, string what, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(killPoint);
        try
        {
            await Eventually.WaitUntilAsync(
                async () => _process.HasExited
                    ? throw new InvalidOperationException($"The CLI exited with {_process.ExitCode} before {what}; it should run until killed. Output:\n{Output}")
                    : await killPoint(),
                what,
                timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Output:\n{Output}", ex);
        }
    }

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Waits until the process exits on its own and returns its exit code; fails, with its output, when the safety net
    /// <paramref name="timeout"/> passes first (the process is killed then).
    /// </summary>
    public async Task<int> WaitForExitAsync(string what, TimeSpan timeout)
    {
        using var safetyNet = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(safetyNet.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}: the CLI did not exit. Output:\n{Output}");
        }

        // The parameterless wait also drains the redirected output, so Output is complete.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL) and waits until it is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Sends SIGTERM, as Kubernetes does when it stops a pod.</summary>
    public void Terminate() => Signal(15);

    /// <summary>Freezes the process (SIGSTOP): it keeps its connections but does nothing.</summary>
    public void Freeze() => Signal(19);

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public void Thaw() => Signal(18);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // A test that failed before the process ended: leave nothing running against the shared servers.
            Kill();
        }

        _process.Dispose();
    }

    private void Signal(int signal)
    {
        if (NativeMethods.kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, CA5392 // the C library's own name; libc is found on the default search path
        public static extern int kill(int pid, int sig);
#pragma warning restore SA1300, CA5392
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
