using DualWrite.MySql.Replication.Events;
using DualWrite.MySql.Replication;
using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>The local server's own binlog file, as written to disk: every event checks out, and any flipped byte is caught.</summary>
public sealed class LocalBinlogFileTests : BinlogTestBase
{
    private async Task<byte[]> WriteAndReadFileAsync()
    {
        // A fresh file, so the test reads a few events rather than everything the server logged before (gigabytes
        // after a benchmark).
        await ExecuteAsync("FLUSH BINARY LOGS");
        await ExecuteAsync("CREATE TABLE f (id INT PRIMARY KEY, v VARCHAR(50), j JSON)");
        await ExecuteAsync("INSERT INTO f VALUES (1, 'one', '{\"a\": 1}'), (2, 'two', NULL); UPDATE f SET v = 'uno' WHERE id = 1; DELETE FROM f WHERE id = 2");
        var position = await CurrentPositionAsync();
        var path = Path.Combine(MariaDbServer.ServicesDir, "mariadb", "data", position.File);
        // The server appends as we read; only the part up to the known position is complete.
        var bytes = await File.ReadAllBytesAsync(path);
        return bytes[..(int)position.Offset];
    }

    [Fact]
    public async Task ServerBinlogFile_DecodesCompletelyWithValidChecksums()
    {
        var file = await WriteAndReadFileAsync();

        var events = BinlogFileReader.ReadEvents(file);

        events[0].Should().BeOfType<FormatDescriptionEvent>().Which.HasChecksum.Should().BeTrue();
        var rows = events.OfType<RowsEvent>().Where(r => r.Table.Schema == Database).ToList();
        rows.Select(r => r.Kind).Should().Equal(RowsEventKind.Insert, RowsEventKind.Update, RowsEventKind.Delete);
        rows[0].Rows.Should().HaveCount(2);
        rows[1].Rows.Single().After.Should().Equal(1, "uno", "{\"a\": 1}");
    }

    [Fact]
    public async Task FlippedBit_AnywhereInTheServerFile_IsACorruptionError()
    {
        var file = await WriteAndReadFileAsync();
        // Every bit of every byte past the magic number, but one: LOG_EVENT_BINLOG_IN_USE_F in the first event's flags,
        // which the server itself sets while the file is open and clears on close, outside the checksum.
        const int inUseFlagByte = 4 + 17;
        for (var index = 4; index < file.Length; index++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                if (index == inUseFlagByte && bit == 0)
                {
                    continue;
                }

                var corrupted = (byte[])file.Clone();
                corrupted[index] ^= (byte)(1 << bit);

                var act = () => BinlogFileReader.ReadEvents(corrupted);

                var error = act.Should().Throw<BinlogException>($"bit {bit} of byte {index} was flipped").Which;
                error.Kind.Should().Be(BinlogErrorKind.BinlogCorrupt, $"bit {bit} of byte {index} was flipped: {error.Message}");
            }
        }
    }
}
