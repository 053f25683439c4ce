using System.Text.Json.Nodes;

namespace DualWrite.Deploy.Tests;

/// <summary>
/// A <c>kubectl</c> on PATH that records each command line and has <see cref="KubectlEmulator"/> answer it: the stub is a
/// shell script that writes its arguments to a request file and waits for the answer files this class writes.
/// </summary>
internal sealed class KubectlStub : IAsyncDisposable
{
    private const string Script = """
        #!/bin/sh
        # kubectl stand-in for the deployment tests: one request file per call, answered by the test process.
        dir=$KUBECTL_STUB_DIR
        n=$(( $(cat "$dir/seq" 2>/dev/null || echo 0) + 1 ))
        echo "$n" > "$dir/seq"
        for a in "$@"; do printf '%s\n' "$a"; done > "$dir/request-$n.tmp"
        mv "$dir/request-$n.tmp" "$dir/request-$n"
        tries=0
        while [ ! -f "$dir/exit-$n" ]; do
          tries=$((tries + 1))
          if [ "$tries" -gt 1500 ]; then echo "kubectl stub: no answer to call $n" >&2; exit 99; fi
          sleep 0.02
        done
        cat "$dir/stdout-$n"
        cat "$dir/stderr-$n" >&2
        exit "$(cat "$dir/exit-$n")"
        """;

    private readonly Func<int, IReadOnlyList<JsonObject>> _jobsAtGet;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IReadOnlyList<string>> _calls = [];
    private readonly Task _serving;

    /// <param name="jobsAtGet">The Jobs the emulated API holds at the n-th <c>get</c> (1-based).</param>
    public KubectlStub(Func<int, IReadOnlyList<JsonObject>> jobsAtGet)
    {
        _jobsAtGet = jobsAtGet;
        Directory = System.IO.Directory.CreateTempSubdirectory("dualwrite-kubectl-stub-").FullName;
        var path = Path.Combine(Directory, "kubectl");
        File.WriteAllText(path, Script.Replace("\r", "", StringComparison.Ordinal) + "\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the stub is a POSIX shell script");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The directory to put first on PATH (it holds <c>kubectl</c>); also KUBECTL_STUB_DIR.</summary>
    public string Directory { get; }

    /// <summary>Every command line kubectl was called with, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving;
        _stop.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task ServeAsync()
    {
        var gets = 0;
        for (var n = 1; !_stop.IsCancellationRequested; n++)
        {
            var request = Path.Combine(Directory, $"request-{n}");
            while (!File.Exists(request))
            {
                try
                {
                    await Task.Delay(10, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var arguments = (await File.ReadAllLinesAsync(request)).ToList();
            lock (_calls)
            {
                _calls.Add(arguments);
            }

            if (arguments.FirstOrDefault() == "get")
            {
                gets++;
            }

            var answer = KubectlEmulator.Run(arguments, _jobsAtGet(Math.Max(gets, 1)));
            await File.WriteAllTextAsync(Path.Combine(Directory, $"stdout-{n}"), answer.Output);
            await File.WriteAllTextAsync(Path.Combine(Directory, $"stderr-{n}"), answer.Error);
            // Last, and whole: the stub reads the answer once this file exists.
            await File.WriteAllTextAsync(Path.Combine(Directory, $"exit-{n}.tmp"), answer.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(Path.Combine(Directory, $"exit-{n}.tmp"), Path.Combine(Directory, $"exit-{n}"));
        }
    }
}
