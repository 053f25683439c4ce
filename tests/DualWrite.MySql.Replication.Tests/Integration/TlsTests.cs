using DualWrite.MySql.Replication.Session;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// TLS of the replication connection (and of the reader's MySqlConnector start-up queries) against the MariaDB started
/// by eng/services.sh, whose certificate comes from its own self-signed CA.
/// </summary>
public sealed class TlsTests
{
    private static ReplicationSession Session(Action<MySqlConnectionStringBuilder> configure)
    {
        MariaDbServer.EnsureReachable();
        return new ReplicationSession(ReplicationSettings.Parse(MariaDbServer.ConnectionString(configure)));
    }

    [Fact]
    public async Task VerifyCA_WithTheServersCa_ConnectsEncrypted()
    {
        await using var session = Session(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.TlsCa; });

        await session.ConnectAsync(default);

        session.IsTls.Should().BeTrue();
        session.TlsCipher.Should().NotBeNullOrEmpty();
        // The session is usable over TLS: the server answers a statement.
        await session.ExecuteAsync("SET @master_heartbeat_period = 1000000000", default);
    }

    [Fact]
    public async Task VerifyFull_HostInCertificate_Connects()
    {
        await using var session = Session(b => { b.SslMode = MySqlSslMode.VerifyFull; b.SslCa = MariaDbServer.TlsCa; });

        await session.ConnectAsync(default);

        session.IsTls.Should().BeTrue();
    }

    [Fact]
    public async Task Required_WithoutCa_EncryptsWithoutValidation()
    {
        await using var session = Session(b => b.SslMode = MySqlSslMode.Required);

        await session.ConnectAsync(default);

        session.IsTls.Should().BeTrue();
        session.TlsCipher.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task None_IsNotEncrypted()
    {
        await using var session = Session(b => b.SslMode = MySqlSslMode.None);

        await session.ConnectAsync(default);

        session.IsTls.Should().BeFalse();
        session.TlsCipher.Should().BeNull();
    }

    [Fact]
    public async Task VerifyCA_WithAnUnrelatedCa_FailsWithTlsErrorNamingTheCa()
    {
        await using var session = Session(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.OtherCa; });

        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Tls);
        error.Message.Should().Contain("did not validate").And.Contain(MariaDbServer.OtherCa);
    }

    [Fact]
    public async Task VerifyCA_WithoutCa_FailsAndSaysHowToFixIt()
    {
        await using var session = Session(b => b.SslMode = MySqlSslMode.VerifyCA);

        var error = (await session.Invoking(s => s.ConnectAsync(default)).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Tls);
        error.Message.Should().Contain("SslCa");
    }

    [Fact]
    public async Task Reader_WithAnUnrelatedCa_FailsItsStartUpQueriesWithTlsError()
    {
        // The start-up checks run on MySqlConnector: its TLS failure comes out as the same typed error.
        var reader = new BinlogReader(MariaDbServer.ConnectionString(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.OtherCa; b.Database = ""; }));

        var error = (await reader.Invoking(r => r.CheckSourceAsync()).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.Tls);
        error.Message.Should().Contain("certificate").And.Contain("SslCa");
        error.InnerException.Should().BeOfType<MySqlException>();
    }

    [Fact]
    public async Task Reader_OverVerifiedTls_StreamsALargeTransactionCompletely()
    {
        var database = await MariaDbServer.CreateScratchDatabaseAsync("tls");
        try
        {
            var connectionString = MariaDbServer.ConnectionString(b => { b.SslMode = MySqlSslMode.VerifyCA; b.SslCa = MariaDbServer.TlsCa; b.Database = ""; });
            await MariaDbServer.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, pad VARCHAR(1000))", database);
            var start = await new BinlogReader(connectionString).GetCurrentPositionAsync();
            await MariaDbServer.ExecuteAsync("INSERT INTO t SELECT seq, REPEAT('x', 1000) FROM seq_1_to_20000", database);

            var reader = new BinlogReader(connectionString, new BinlogReaderOptions { StopAtEnd = true, IncludeTable = (schema, _) => schema == database });
            var changes = new List<RowChange>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await foreach (var transaction in reader.ReadAsync(start, timeout.Token))
            {
                changes.AddRange(transaction.Changes);
            }

            changes.Should().HaveCount(20000);
            changes.Sum(c => (long)(int)c.After![0]!).Should().Be(20000L * 20001 / 2);
            changes.Should().OnlyContain(c => ((string)c.After![1]!).Length == 1000);
        }
        finally
        {
            await MariaDbServer.DropDatabaseAsync(database);
        }
    }
}
