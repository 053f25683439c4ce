using Microsoft.Extensions.Hosting;

namespace DualWrite.MySql.Health;

/// <summary>Runs the instance's <see cref="MySqlHealthReporter"/> in the host.</summary>
internal sealed class MySqlHealthReportService(MySqlHealthReporter reporter) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => reporter.RunAsync(stoppingToken);
}
