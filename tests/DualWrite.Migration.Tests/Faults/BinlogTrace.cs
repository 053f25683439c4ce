using System.Diagnostics;
using System.Text;
using DualWrite.Testing;

namespace DualWrite.Migration.Tests.Faults;

/// <summary>
/// For a failed run's message: where the source logged each change of some keys of table <c>t</c>, read from the fault
/// server's binlog files with the stock <c>mariadb-binlog</c>: the file, the offset, the GTID and the statement. With
/// the CLI's output and the server's log it tells whether a change that never reached the target was logged before or
/// after a crash, and whether the catch-up's recorded position passed it.
/// </summary>
internal static class BinlogTrace
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    public static async Task<string> OfKeysAsync(string database, IEnumerable<string> keys)
    {
        var wanted = keys.Take(3).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return "";
        }

        var dataDir = Path.Combine(MariaDbServer.ServicesDir, "mariadb-faults", "data");
        var files = Directory.GetFiles(dataDir, "binlog.0*").Order(StringComparer.Ordinal).ToList();
        var trace = new StringBuilder($"binlog trace of {string.Join(", ", wanted)} in {files.Count} file(s):");
        foreach (var file in files)
        {
            var start = new ProcessStartInfo("mariadb-binlog", ["--base64-output=decode-rows", "--verbose", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return "binlog trace: mariadb-binlog did not start";
            }

            var errors = process.StandardError.ReadToEndAsync();
            string? at = null, gtid = null, table = null;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("# at ", StringComparison.Ordinal))
                {
                    at = line[5..];
                }
                else if (line.Contains("GTID ", StringComparison.Ordinal) && line.Contains("end_log_pos", StringComparison.Ordinal))
                {
                    gtid = line[(line.IndexOf("GTID ", StringComparison.Ordinal) + 5)..].Split(' ')[0];
                }
                else if (line.StartsWith("### ", StringComparison.Ordinal) && line.Contains($"`{database}`.`t`", StringComparison.Ordinal))
                {
                    table = line[4..];
                }
                else if (table is not null && line.StartsWith("###   @1=", StringComparison.Ordinal) && wanted.Contains(line[9..].Trim()))
                {
                    trace.Append($"\n  {Path.GetFileName(file)} at {at} gtid {gtid}: {table} @1={line[9..].Trim()}");
                }
            }

            using var safetyNet = new CancellationTokenSource(SafetyNet);
            await process.WaitForExitAsync(safetyNet.Token);
            if (process.ExitCode != 0)
            {
                trace.Append($"\n  {Path.GetFileName(file)}: mariadb-binlog exited {process.ExitCode}: {(await errors).Trim()}");
            }
        }

        return trace.ToString();
    }
}
