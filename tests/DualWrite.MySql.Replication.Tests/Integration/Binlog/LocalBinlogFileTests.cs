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
    public async Task FlippedByte_InAnyEventOfTheServerFile_IsAChecksumError()
    {
        var file = await WriteAndReadFileAsync();
        var random = new Random(20261122);
        for (var trial = 0; trial < 200; trial++)
        {
            var corrupted = (byte[])file.Clone();
            var index = random.Next(4, corrupted.Length);
            corrupted[index] ^= (byte)(1 << random.Next(8));

            var act = () => BinlogFileReader.ReadEvents(corrupted);

            var error = act.Should().Throw<BinlogException>($"byte {index} was flipped").Which;
            error.Kind.Should().BeOneOf(BinlogErrorKind.BinlogCorrupt);
        }
    }
}
