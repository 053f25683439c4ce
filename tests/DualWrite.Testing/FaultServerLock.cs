namespace DualWrite.Testing;

/// <summary>
/// The one holder at a time of the fault servers (<see cref="MariaDbFaultServer"/>, <see cref="PostgreSqlFaultServer"/>)
/// across every test process: the suite runs test assemblies side by side, and a test that kills, pauses or purges a
/// fault server must not do it under another's feet. A lock on a file in the services directory, released on dispose
/// (or when the process dies).
/// </summary>
public sealed class FaultServerLock : IAsyncDisposable
{
    private readonly FileStream _file;

    private FaultServerLock(FileStream file) => _file = file;

    /// <summary>Waits until no other test holds the fault servers, then holds them (a safety net of 20 minutes).</summary>
    public static async Task<FaultServerLock> AcquireAsync()
    {
        var path = Path.Combine(MariaDbServer.ServicesDir, "fault-servers.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(20);
        while (true)
        {
            try
            {
                return new FaultServerLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another test process: try again shortly (the holder's test decides how long).
                await Task.Delay(200);
            }
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
