using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>Writers that bypass the store: the triggers version their rows and leave tombstones; the store's own writes keep their exact versions.</summary>
public sealed class StoreTriggerTests : StoreTestBase
{

    public StoreTriggerTests()
        : base("triggers", withItemsStore: true)
    {
    }


    [Fact]
    public async Task PlainUpdate_BumpsTheVersion()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        await Scratch.ExecuteAsync("UPDATE items SET payload = 'b' WHERE id = 1");

        var record = await Store.GetAsync(1, Ct);
        record!.Value.Should().Be("b");
        record.Version.Should().BeGreaterThan(5);
        record.Version.Should().BeCloseTo(NowVersion(), 60_000_000, "GREATEST(old + 1, now) is the server's time here");
    }

    [Fact]
    public async Task PlainUpdate_OfAFutureVersion_GoesOnePastIt()
    {
        var future = NowVersion() + 3_600_000_000;
        await Store.UpsertAsync(new(1, future, "a"), Ct);

        await Scratch.ExecuteAsync("UPDATE items SET payload = 'b' WHERE id = 1");

        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, future + 1, "b"));
    }

    [Fact]
    public async Task PlainUpdate_ThatRaisesTheVersion_KeepsIt()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        await Scratch.ExecuteAsync("UPDATE items SET payload = 'b', _dw_version = 42 WHERE id = 1");

        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 42, "b"));
    }

    [Fact]
    public async Task PlainInsert_GetsATimeBasedVersion()
    {
        await Scratch.ExecuteAsync("INSERT INTO items (id, payload) VALUES (1, 'a'), (2, 'b')");
        await Scratch.ExecuteAsync("INSERT INTO items (id, payload, _dw_version) VALUES (3, 'c', NULL), (4, 'd', 0)");

        foreach (var key in new long[] { 1, 2, 3, 4 })
        {
            (await Store.GetAsync(key, Ct))!.Version.Should().BeCloseTo(NowVersion(), 60_000_000);
        }
    }

    [Fact]
    public async Task PlainInsert_AfterATombstone_OutranksItAndClearsIt()
    {
        var future = NowVersion() + 3_600_000_000;
        await Store.DeleteAsync(1, future, Ct);

        await Scratch.ExecuteAsync("INSERT INTO items (id, payload) VALUES (1, 'back')");

        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, future + 1, "back"));
        (await Scratch.CountAsync("SELECT COUNT(*) FROM items__dw_tombstones")).Should().Be(0);
    }

    [Fact]
    public async Task PlainDelete_LeavesATombstoneOnePastTheRow_ThatBlocksOlderUpserts()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        await Scratch.ExecuteAsync("DELETE FROM items WHERE id = 1");

        (await Store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 6));
        (await Store.UpsertAsync(new(1, 5, "late"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);
        (await Store.UpsertAsync(new(1, 6, "late"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);
        (await Store.GetAsync(1, Ct))!.IsTombstone.Should().BeTrue();
        (await Store.UpsertAsync(new(1, 7, "newer"), Ct)).Should().Be(WriteResult.Applied);
        (await Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 7, "newer"));
    }

    [Fact]
    public async Task PlainDelete_KeepsANewerTombstone()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        await Scratch.ExecuteAsync("INSERT INTO items__dw_tombstones (id, _dw_version) VALUES (1, 50)");

        await Scratch.ExecuteAsync("DELETE FROM items WHERE id = 1");

        (await Store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 50));
    }

    [Fact]
    public async Task PlainKeyChange_TombstonesTheOldKey()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);

        await Scratch.ExecuteAsync("UPDATE items SET id = 2 WHERE id = 1");

        (await Store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 6));
        var moved = await Store.GetAsync(2, Ct);
        moved!.Value.Should().Be("a");
        moved.Version.Should().BeGreaterThan(5);
    }

    [Fact]
    public async Task PlainReplaceAndUpsert_AreVersionedLikeUpdates_AndLeaveNoTombstone()
    {
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        await Store.UpsertAsync(new(2, 5, "b"), Ct);

        await Scratch.ExecuteAsync("REPLACE INTO items (id, payload) VALUES (1, 'replaced')");
        await Scratch.ExecuteAsync("INSERT INTO items (id, payload) VALUES (2, 'x') ON DUPLICATE KEY UPDATE payload = 'merged'");

        foreach (var (key, value) in new[] { (1L, "replaced"), (2L, "merged") })
        {
            var record = await Store.GetAsync(key, Ct);
            record!.Value.Should().Be(value);
            record.Version.Should().BeCloseTo(NowVersion(), 60_000_000);
        }

        (await Scratch.CountAsync("SELECT COUNT(*) FROM items__dw_tombstones")).Should().Be(0);
    }

    [Fact]
    public async Task StoreWrites_KeepExactlyTheirVersions_AndLeaveTheirOwnTombstones()
    {
        await Store.UpsertAsync(new(1, 0, "zero"), Ct);
        (await VersionColumnAsync(1)).Should().Be(0, "the insert trigger must not stamp a store write, even at version 0");

        await Store.UpsertAsync(new(1, 7, "seven"), Ct);
        (await VersionColumnAsync(1)).Should().Be(7, "the update trigger must not bump a store write");

        await Store.DeleteAsync(1, 9, Ct);
        (await Scratch.ScalarAsync("SELECT _dw_version FROM items__dw_tombstones WHERE id = 1")).Should().Be(9L, "the delete trigger must not add one");
        (await Scratch.CountAsync("SELECT COUNT(*) FROM items")).Should().Be(0, "a delete removes the application's row");
    }

    [Fact]
    public async Task StoreWrites_LeaveTheSessionFlagCleared_EvenWithoutConnectionReset()
    {
        // One pooled session without reset: whatever a store write leaves in it, the next user inherits. User
        // variables allowed, so that the check below can read the flag (the store's own SQL works either way).
        await using var dataSource = new MySqlDataSource(MariaDbServer.ConnectionString(b =>
        {
            b.Database = Scratch.Database;
            b.ConnectionReset = false;
            b.MaximumPoolSize = 1;
            b.AllowUserVariables = true;
        }));
        var store = new MySqlVersionedStore<long, string>(dataSource, StoreScratch.Mapping("items"), new MySqlRepairLog<long>(dataSource, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture), long.Parse));
        await Scratch.ExecuteAsync("CREATE UNIQUE INDEX payload_unique ON items (payload(20))");
        await store.UpsertAsync(new(1, 5, "taken"), Ct);
        var duplicate = async () => await store.UpsertAsync(new(2, 5, "taken"), Ct);
        (await duplicate.Should().ThrowAsync<MySqlException>()).Which.Number.Should().Be(1062);

        await using var connection = await dataSource.OpenConnectionAsync();
        (await new MySqlCommand("SELECT @dualwrite_writer", connection).ExecuteScalarAsync()).Should().BeOfType<DBNull>();
        await StoreScratch.ExecuteAsync(connection, "INSERT INTO items (id, payload) VALUES (3, 'plain')");
        (await VersionColumnAsync(3)).Should().BeCloseTo(NowVersion(), 60_000_000);
        (await Store.GetAsync(2, Ct)).Should().BeNull("the failed write left nothing");
    }

    [Fact]
    public async Task EnsureSchema_IsIdempotent_AndRestoresAChangedTrigger()
    {
        (await Store.EnsureSchemaCoreAsync(Ct)).Should().Be(0, "everything is in place already");

        await Scratch.ExecuteAsync("DROP TRIGGER items__dw_ad");
        await Scratch.ExecuteAsync("CREATE OR REPLACE TRIGGER items__dw_bu BEFORE UPDATE ON items FOR EACH ROW SET NEW._dw_version = NEW._dw_version");

        (await Store.EnsureSchemaCoreAsync(Ct)).Should().Be(2);
        await Store.UpsertAsync(new(1, 5, "a"), Ct);
        await Scratch.ExecuteAsync("DELETE FROM items WHERE id = 1");
        (await Store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 6));
    }

    private async Task<long> VersionColumnAsync(long id) => await Scratch.CountAsync("SELECT _dw_version FROM items WHERE id = ?", id);

    private static long NowVersion() => VersionClock.ToVersion(DateTimeOffset.UtcNow);
}
