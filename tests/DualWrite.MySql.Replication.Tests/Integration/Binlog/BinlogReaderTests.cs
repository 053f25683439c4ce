using DualWrite.MySql.Replication;
using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication.Rows;
using DualWrite.MySql.Values;
using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

public sealed class BinlogReaderTests : BinlogTestBase
{
    [Fact]
    public async Task TypeMatrix_InsertUpdateDelete_DecodedValuesEqualSelect()
    {
        await ExecuteAsync(MySqlTypeMatrix.CreateTable);
        var start = await CurrentPositionAsync();
        await ExecuteAsync(MySqlTypeMatrix.Insert);
        var (afterInsert, kinds) = await SelectWithKindsAsync("SELECT * FROM types ORDER BY id");
        await ExecuteAsync("UPDATE types SET vc = 'changed', d10 = 12.5, dtm6 = '2001-02-03 04:05:06.070809', js = '{\"a\": null}' WHERE id = 1");
        var afterUpdate = await SelectAsync("SELECT * FROM types WHERE id = 1");
        await ExecuteAsync("DELETE FROM types WHERE id = 2");

        var transactions = await ReadToEndAsync(start);

        transactions.Should().HaveCount(4);
        var inserts = transactions[0].Changes.Concat(transactions[1].Changes).ToList();
        inserts.Should().HaveCount(4).And.OnlyContain(c => c.Kind == RowsEventKind.Insert);
        AssertKinds(inserts[0].Table, kinds);
        for (var row = 0; row < 4; row++)
        {
            AssertImage(inserts[row].After!, afterInsert[row], $"inserted row {row + 1}");
        }

        var update = transactions[2].Changes.Should().ContainSingle().Subject;
        update.Kind.Should().Be(RowsEventKind.Update);
        AssertImage(update.Before!, afterInsert[0], "update before image");
        AssertImage(update.After!, afterUpdate[0], "update after image");

        var delete = transactions[3].Changes.Should().ContainSingle().Subject;
        delete.Kind.Should().Be(RowsEventKind.Delete);
        delete.After.Should().BeNull();
        AssertImage(delete.Before!, afterInsert[1], "deleted row");
        delete.Key.Should().Equal(2);
        delete.Table.Columns.Select(c => c.Name).Should().StartWith(["id", "ti", "tiu"]);
    }

    public static TheoryData<string, string> Charsets => new()
    {
        { "utf8mb4 COLLATE utf8mb4_unicode_520_nopad_ci", "😀 Ünï" },
        { "utf8mb4 COLLATE utf8mb4_uca1400_ai_ci", "😀 uca1400" },
        { "utf8mb3 COLLATE utf8mb3_unicode_nopad_ci", "日本語 ✓" },
        { "latin1 COLLATE latin1_german2_ci", "Straße €Ž" },
        { "latin1 COLLATE latin1_nopad_bin", "\u0081€ÿ\u009D" },
        { "ascii", "plain ASCII ~" },
        { "ucs2", "BMP Ω ≈" },
        { "utf16", "utf16 😀 Ω" },
        { "utf16le", "utf16le 😀 Ω" },
        { "utf32", "utf32 😀 Ω" },
    };

    [Theory]
    [MemberData(nameof(Charsets))]
    public async Task TextInEveryCharacterSet_DecodedValueEqualsSelect(string charset, string text)
    {
        await ExecuteAsync($"CREATE TABLE cs (id INT PRIMARY KEY, v VARCHAR(50) CHARACTER SET {charset}, t TEXT CHARACTER SET {charset})");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO cs VALUES (1, @v, @v)", ("@v", text));
        var selected = await SelectAsync("SELECT * FROM cs");

        var change = (await ReadToEndAsync(start)).Should().ContainSingle().Subject.Changes.Should().ContainSingle().Subject;

        selected.Single().Should().Equal(1, text, text);
        AssertImage(change.After!, selected.Single(), charset);
    }

    [Fact]
    public async Task RowOver16MiB_ArrivesInContinuationPackets_AndDecodesWhole()
    {
        await ExecuteAsync("CREATE TABLE huge (id INT PRIMARY KEY, data LONGBLOB, txt LONGTEXT)");
        var data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(17 * 1024 * 1024);
        var start = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO huge VALUES (1, @data, REPEAT('é', 100000))", ("@data", data));

        var change = (await ReadToEndAsync(start)).Should().ContainSingle().Subject.Changes.Should().ContainSingle().Subject;

        var after = change.After!;
        after[0].Should().Be(1);
        after[1].Should().BeOfType<byte[]>().Which.AsSpan().SequenceEqual(data).Should().BeTrue("the blob must arrive byte for byte");
        after[2].Should().Be(new string('é', 100000));
    }

    /// <summary>The binlog's kind of each column carries the same CLR type as the SELECT's (MariaDB's JSON is LONGTEXT in the binlog).</summary>
    private static void AssertKinds(TableMap table, IReadOnlyList<MySqlValueKind> selected)
    {
        var binlog = table.Columns.Select(MySqlValuePolicy.Of).ToList();
        binlog.Should().HaveSameCount(selected);
        for (var i = 0; i < binlog.Count; i++)
        {
            MySqlValuePolicy.ClrType(binlog[i]).Should().Be(MySqlValuePolicy.ClrType(selected[i]), $"column {table.Columns[i].Name}: binlog {binlog[i]}, SELECT {selected[i]}");
            if (selected[i] != MySqlValueKind.Json)
            {
                binlog[i].Should().Be(selected[i], $"column {table.Columns[i].Name}");
            }
        }
    }

    /// <summary>Every decoded value equals the SELECT's, with the same CLR type (and for dates and decimals the same kind and digits).</summary>
    private static void AssertImage(object?[] decoded, object?[] selected, string what)
    {
        decoded.Should().HaveSameCount(selected, what);
        for (var i = 0; i < selected.Length; i++)
        {
            var expected = selected[i];
            var actual = decoded[i];
            var column = $"{what}, column {i}";
            actual?.GetType().Should().Be(expected?.GetType(), column);
            switch (expected)
            {
                case null:
                    actual.Should().BeNull(column);
                    break;
                case byte[] bytes:
                    ((byte[])actual!).Should().Equal(bytes, column);
                    break;
                case DateTime dateTime:
                    // TIMESTAMP is a UTC instant both ways (the SELECT ran with time_zone '+00:00'); the others Unspecified.
                    ((DateTime)actual!).Should().Be(dateTime, column);
                    ((DateTime)actual!).Kind.Should().Be(dateTime.Kind, column);
                    break;
                case decimal or ExactDecimal:
                    actual.Should().Be(expected, column);
                    actual!.ToString().Should().Be(expected.ToString(), column + " keeps the scale");
                    break;
                default:
                    actual.Should().Be(expected, column);
                    break;
            }
        }
    }

    [Fact]
    public async Task MultiStatementTransaction_IsOneTransactionInOrder()
    {
        await ExecuteAsync("CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(10)); CREATE TABLE b (id INT PRIMARY KEY)");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("START TRANSACTION; INSERT INTO a VALUES (1, 'x'); INSERT INTO b VALUES (10); UPDATE a SET v = 'y' WHERE id = 1; DELETE FROM b; COMMIT");

        var transactions = await ReadToEndAsync(start);

        var transaction = transactions.Should().ContainSingle().Subject;
        transaction.Gtid.Should().MatchRegex(@"^\d+-\d+-\d+$");
        transaction.Changes.Select(c => (c.Table.Table, c.Kind)).Should().Equal(
            ("a", RowsEventKind.Insert), ("b", RowsEventKind.Insert), ("a", RowsEventKind.Update), ("b", RowsEventKind.Delete));
        transaction.Changes.Select(c => c.Index).Should().Equal(0, 1, 2, 3);
        transaction.Position.Should().BeGreaterThan(start);
        transaction.Position.GtidState.Should().Contain(transaction.Gtid);
    }

    [Fact]
    public async Task HundredThousandRowTransaction_IsDeliveredWhole()
    {
        await ExecuteAsync("CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(20))");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO big SELECT seq, CONCAT('row-', seq) FROM seq_1_to_100000");

        var transactions = await ReadToEndAsync(start);

        var changes = transactions.Should().ContainSingle().Subject.Changes;
        changes.Should().HaveCount(100_000);
        changes[0].Key.Should().Equal(1);
        changes[^1].Key.Should().Equal(100_000);
        changes[99_999].After![1].Should().Be("row-100000");
    }

    [Fact]
    public async Task FlushBinaryLogs_MidStream_FollowsTheRotation()
    {
        await ExecuteAsync("CREATE TABLE r (id INT PRIMARY KEY)");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO r VALUES (1)");
        await ExecuteAsync("FLUSH BINARY LOGS");
        await ExecuteAsync("INSERT INTO r VALUES (2)");

        var transactions = await ReadToEndAsync(start);

        transactions.SelectMany(t => t.Changes).Select(c => c.Key[0]).Should().Equal(1, 2);
        transactions[^1].Position.FileSequence.Should().BeGreaterThan(start.FileSequence);
        transactions[^1].Position.Should().BeGreaterThan(transactions[0].Position);
    }

    [Fact]
    public async Task Ddl_OnTrackedTable_SurfacesAsSchemaChangeWithStatement()
    {
        await ExecuteAsync("CREATE TABLE d (id INT PRIMARY KEY, v INT)");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("ALTER TABLE d ADD COLUMN w INT");
        await ExecuteAsync("INSERT INTO d VALUES (1, 2, 3)");
        await ExecuteAsync("TRUNCATE TABLE d");
        await ExecuteAsync("RENAME TABLE d TO d2");
        await ExecuteAsync("DROP TABLE d2");

        var transactions = await ReadToEndAsync(start);

        var kinds = transactions.Select(t => t.SchemaChange?.Kind.ToString() ?? "rows").ToList();
        kinds.Should().Equal("Alter", "rows", "Truncate", "Rename", "Drop");
        transactions[0].SchemaChange!.Affects(Database, "d").Should().BeTrue();
        transactions[0].SchemaChange!.Sql.Should().Contain("ADD COLUMN w");
        transactions[1].Changes.Single().After.Should().Equal(1, 2, 3);
        transactions[3].SchemaChange!.Tables.Should().Equal("d", "d2");
        transactions[4].SchemaChange!.Affects(Database, "d2").Should().BeTrue();
    }

    [Fact]
    public async Task Resume_FromCheckpoint_DeliversEverythingAfterItAtLeastOnce()
    {
        await ExecuteAsync("CREATE TABLE k (id INT PRIMARY KEY)");
        var start = await CurrentPositionAsync();
        for (var i = 1; i <= 20; i++)
        {
            await ExecuteAsync("INSERT INTO k VALUES (@i)", ("@i", i));
        }

        var checkpoint = Path.Combine(Path.GetTempPath(), $"dualwrite-checkpoint-{Guid.NewGuid():N}");
        try
        {
            // First run: apply 7 transactions, acknowledge 5, then "die" mid-stream.
            var store = new FileCheckpointStore(checkpoint);
            var first = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { CheckpointStore = store, IncludeTable = (s, _) => s == Database });
            var applied = new List<(BinlogPosition Position, object? Key)>();
            using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                await foreach (var transaction in first.ReadAsync(start, cts.Token))
                {
                    if (transaction.Changes.Count == 0)
                    {
                        continue;
                    }

                    applied.Add((transaction.Position, transaction.Changes[0].Key[0]));
                    if (applied.Count <= 5)
                    {
                        await first.AcknowledgeAsync(transaction.Position);
                    }

                    if (applied.Count == 7)
                    {
                        break;
                    }
                }
            }

            // Second run: a new reader resumes from the stored checkpoint.
            var resumeFrom = await new FileCheckpointStore(checkpoint).LoadAsync(default);
            resumeFrom.Should().Be(applied[4].Position);
            var second = await ReadToEndAsync(resumeFrom!.Value);
            var redelivered = second.SelectMany(t => t.Changes.Select(c => (t.Position, Key: c.Key[0]))).ToList();

            redelivered.Select(r => r.Key).Should().Equal(Enumerable.Range(6, 15).Cast<object>());
            // The duplicates (keys 6 and 7) carry the same positions the first run saw: a consumer can drop them.
            redelivered.Take(2).Select(r => r.Position).Should().Equal(applied.Skip(5).Select(a => a.Position));
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [Fact]
    public async Task Acknowledge_BeyondDelivered_IsRejected()
    {
        var reader = new BinlogReader(ReaderConnectionString);
        var act = async () => await reader.AcknowledgeAsync(new BinlogPosition("binlog.999999", 4));

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task CheckSource_OnConfiguredServer_Passes()
    {
        var reader = new BinlogReader(ReaderConnectionString);

        await reader.Invoking(r => r.CheckSourceAsync()).Should().NotThrowAsync();
    }

    [Fact]
    public async Task EnsureAvailable_UnknownFile_ThrowsBinlogPurged()
    {
        var reader = new BinlogReader(ReaderConnectionString);

        var error = (await reader.Invoking(r => r.EnsureAvailableAsync(new BinlogPosition("binlog.000000", 4))).Should().ThrowAsync<BinlogException>()).Which;

        error.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
        error.Message.Should().Contain("re-snapshot");
    }

    [Fact]
    public async Task Read_FromMissingFile_ThrowsBinlogPurged()
    {
        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { StopAtEnd = true, ReconnectAttempts = 0 });

        var act = async () =>
        {
            await foreach (var _ in reader.ReadAsync(new BinlogPosition("binlog.000000", 4)))
            {
            }
        };

        (await act.Should().ThrowAsync<BinlogException>()).Which.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
    }

    [Fact]
    public async Task Stream_FromMissingFile_WithoutStartUpChecks_IsTheServersTypedPurgedError()
    {
        // The server itself refuses the dump (ER_MASTER_FATAL_ERROR_READING_BINLOG): the same typed error, not a retry.
        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { StopAtEnd = true, ReconnectAttempts = 3, SkipStartupChecks = true });

        var act = async () =>
        {
            await foreach (var _ in reader.ReadAsync(new BinlogPosition("binlog.000000", 4)))
            {
            }
        };

        var error = (await act.Should().ThrowAsync<BinlogException>()).Which;
        error.Kind.Should().Be(BinlogErrorKind.BinlogPurged);
        error.Number.Should().Be(1236);
        error.Message.Should().Contain("binlog.000000").And.Contain("re-snapshot");
        reader.Reconnects.Should().Be(0);
    }

    [Fact]
    public async Task StartFromMariaDbGtidState_DeliversOnlyLaterTransactions()
    {
        await ExecuteAsync("CREATE TABLE g (id INT PRIMARY KEY)");
        await ExecuteAsync("INSERT INTO g VALUES (1)");
        var afterFirst = await CurrentPositionAsync();
        afterFirst.GtidState.Should().NotBeNullOrEmpty();
        await ExecuteAsync("INSERT INTO g VALUES (2)");
        await ExecuteAsync("INSERT INTO g VALUES (3)");

        var transactions = await ReadToEndAsync(new BinlogPosition("", 0, afterFirst.GtidState));

        transactions.SelectMany(t => t.Changes).Select(c => c.Key[0]).Should().Equal(2, 3);
        transactions[0].Position.File.Should().NotBeEmpty("the server tells the file it resumed in");
    }

    [Fact]
    public async Task Reader_WithNothingToDeliver_StillLearnsTheSourceHead()
    {
        var start = await CurrentPositionAsync();
        var reader = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(300) });
        using var cts = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in reader.ReadAsync(start, cts.Token))
            {
            }
        });

        // Heartbeats arrive while the source is idle, events while it is busy: either way the reader learns the head.
        await Eventually.WaitUntilAsync(() => reader.SourceHead is not null || reading.IsCompleted, "the reader to learn the source head");
        await cts.CancelAsync();

        await reading.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        reader.SourceHead.Should().NotBeNull();
        reader.SourceHead!.Value.Should().BeGreaterThanOrEqualTo(start);
    }

    [Fact]
    public async Task ReaderKilledMidTransaction_ResumeDeliversThatTransactionWhole()
    {
        await ExecuteAsync("CREATE TABLE m (id INT PRIMARY KEY, pad CHAR(100))");
        await ExecuteAsync("INSERT INTO m VALUES (0, 'before')");
        var start = await CurrentPositionAsync();
        await ExecuteAsync("INSERT INTO m VALUES (-1, 'small')");
        await ExecuteAsync("INSERT INTO m SELECT seq, REPEAT('x', 100) FROM seq_1_to_100000");
        await ExecuteAsync("INSERT INTO m VALUES (-2, 'after')");

        // First reader: acknowledges the small transaction, then dies while the 100k-row one is arriving:
        // the table filter runs for every rows event the reader takes in, so it can pull the plug mid-transaction.
        using var kill = new CancellationTokenSource();
        BinlogPosition? acknowledged = null;
        var rowsEventsSinceAck = 0;
        var first = new BinlogReader(ReaderConnectionString, new BinlogReaderOptions
        {
            StopAtEnd = true,
            IncludeTable = (schema, _) =>
            {
                if (acknowledged is not null && ++rowsEventsSinceAck == 50)
                {
                    kill.Cancel();
                }

                return schema == Database;
            },
        });
        var act = async () =>
        {
            await foreach (var transaction in first.ReadAsync(start, kill.Token))
            {
                if (transaction.Changes.Count == 1 && acknowledged is null)
                {
                    await first.AcknowledgeAsync(transaction.Position);
                    acknowledged = transaction.Position;
                    continue;
                }

                transaction.Changes.Count.Should().NotBe(100_000, "the reader is killed before it can deliver the big transaction");
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        acknowledged.Should().NotBeNull();
        rowsEventsSinceAck.Should().Be(50, "the kill landed inside the big transaction");

        var resumed = await ReadToEndAsync(acknowledged!.Value);

        // Other tests' transactions may have been delivered meanwhile, but nothing at or after the big one's commit.
        first.ReceivedPosition!.Value.Should().BeLessThan(resumed[0].Position, "the interrupted transaction was never delivered");

        resumed.Select(t => t.Changes.Count).Should().Equal(100_000, 1);
        resumed[0].Changes.Select(c => (int)c.Key[0]!).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        resumed[1].Changes.Single().Key.Should().Equal(-2);
    }
}
