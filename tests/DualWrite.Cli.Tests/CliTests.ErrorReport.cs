using DualWrite.Cli;
using DualWrite.Cli.Commands;
using DualWrite.MySql.Replication;
using Npgsql;

namespace DualWrite.Cli.Tests;

/// <summary>How every command prints a binlog failure and which exit code it gets.</summary>
public sealed partial class CliTests
{
    [Theory]
    [InlineData(BinlogErrorKind.Authentication, ExitCodes.ConnectionFailed)]
    [InlineData(BinlogErrorKind.ConnectionFailed, ExitCodes.ConnectionFailed)]
    [InlineData(BinlogErrorKind.ConnectionLost, ExitCodes.ConnectionFailed)]
    [InlineData(BinlogErrorKind.Tls, ExitCodes.ConnectionFailed)]
    [InlineData(BinlogErrorKind.Server, ExitCodes.ServerError)]
    [InlineData(BinlogErrorKind.SourceMisconfigured, ExitCodes.RequirementNotMet)]
    [InlineData(BinlogErrorKind.BinlogPurged, ExitCodes.ResnapshotNeeded)]
    [InlineData(BinlogErrorKind.Protocol, ExitCodes.Failure)]
    [InlineData(BinlogErrorKind.BinlogCorrupt, ExitCodes.BinlogCorrupt)]
    [InlineData(BinlogErrorKind.BinlogUnsupported, ExitCodes.Failure)]
    public void BinlogFailure_ExitCodeFollowsItsKind(BinlogErrorKind kind, int exitCode)
    {
        var (console, _) = Capture();

        ErrorReport.Report(console, new BinlogException(kind, 1236, "HY000", "something failed")).Should().Be(exitCode);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.InvalidPassword, ExitCodes.ConnectionFailed)]
    [InlineData(PostgresErrorCodes.InvalidAuthorizationSpecification, ExitCodes.ConnectionFailed)]
    [InlineData(PostgresErrorCodes.AdminShutdown, ExitCodes.ConnectionFailed)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, ExitCodes.ConnectionFailed)]
    [InlineData(PostgresErrorCodes.TooManyConnections, ExitCodes.ConnectionFailed)]
    [InlineData(PostgresErrorCodes.UndefinedTable, ExitCodes.ServerError)]
    [InlineData(PostgresErrorCodes.UniqueViolation, ExitCodes.ServerError)]
    public void PostgreSqlFailure_RefusedCredentialsAndShutdowns_AreConnectionFailures(string sqlState, int exitCode)
    {
        var (console, _) = Capture();

        ErrorReport.Report(console, new PostgresException("something failed", "FATAL", "FATAL", sqlState)).Should().Be(exitCode);
    }

    [Fact]
    public void BinlogFailure_PrintsMessageKindNumberAndHint()
    {
        var (console, output) = Capture();

        ErrorReport.Report(console, new BinlogException(BinlogErrorKind.SourceMisconfigured, 1227, null, "binlog_format is STATEMENT"), "set binlog_format=ROW");

        output.ToString().Should().Contain("error binlog_format is STATEMENT (SourceMisconfigured, 1227)").And.Contain("  set binlog_format=ROW");
    }
}
