using Microsoft.Playwright;

namespace DualWrite.Dashboard.Tests;

/// <summary>Debian's headless chromium, driven by Playwright through its executable path (no browser is ever downloaded).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = System.Environment.GetEnvironmentVariable("DUALWRITE_CHROMIUM") is { Length: > 0 } custom ? custom : Chromium;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The dashboard's browser tests need Debian's chromium at {path}: install it with `eng/services.sh up chromium` (or `apt-get install chromium`), or set DUALWRITE_CHROMIUM to its path.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
