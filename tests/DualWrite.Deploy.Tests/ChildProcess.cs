using System.Diagnostics;
using System.Text;

namespace DualWrite.Deploy.Tests;

/// <summary>A command run as a child process with exactly the environment given, its output kept for failure messages.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

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
    /// Starts <paramref name="command"/> (file and arguments) in <paramref name="workingDirectory"/> with this test
    /// process's environment less every DUALWRITE_* variable (the container's own must be enough), plus
    /// <paramref name="environment"/>.
    /// </summary>
    public static ChildProcess Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
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

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command[0]}");
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the exit code; kills the process and fails, with its output, when <paramref name="timeout"/> passes first.</summary>
    public async Task<int> WaitForExitAsync(string what, TimeSpan timeout)
    {
        using var safetyNet = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(safetyNet.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new TimeoutException($"{what} did not exit within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
