using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>DDL on a tracked table during catch-up, and a catch-up position whose binlog is gone.</summary>
public sealed class CatchUpPolicyTests
{
    private static readonly BackfillOptions SnapshotOnly = new() { CatchUp = null, ProgressInterval = TimeSpan.Zero };

    [Fact]
    public async Task Ddl_UnderTheStopPolicy_StopsNamingTheTableAndStatement_AfterApplyingWhatCameBefore()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_ddlstop");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 100);
        var table = await rig.TableAsync("t");
        await rig.Runner(rig.Plan(), table).RunAsync(SnapshotOnly, CancellationToken.None);
        await rig.ExecuteAsync("UPDATE t SET val = 'before the DDL' WHERE id = 5");
        await rig.ExecuteAsync("ALTER TABLE t ADD COLUMN note VARCHAR(10) NULL");
        await rig.ExecuteAsync("UPDATE t SET val = 'after the DDL' WHERE id = 6");

        var run = () => rig.Runner(rig.Plan(), table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        var error = (await run.Should().ThrowAsync<BackfillException>()).Which;
        error.Error.Should().Be(BackfillError.SchemaChanged);
        error.Message.Should().Contain($"{rig.Database}.t").And.Contain("ALTER TABLE t ADD COLUMN note").And.Contain("policy is `stop`");
        (await rig.TargetScalarAsync<string>($"SELECT val FROM \"{rig.Schema}\".t WHERE id = 5")).Should().Be("before the DDL");
        (await rig.TargetScalarAsync<string>($"SELECT val FROM \"{rig.Schema}\".t WHERE id = 6")).Should().Be("seed 6", "nothing after the statement is applied");

        // Resuming stops again at the same statement: the checkpoint is just before it, never past it.
        await run.Should().ThrowAsync<BackfillException>();
    }

    [Fact]
    public async Task Ddl_UnderApplyCompatible_GoesOnWhenMappedColumnsStay_AndStopsWhenOneChanges()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_ddlcompat");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 100);
        var table = await rig.TableAsync("t");
        var plan = rig.Plan(ddl: DdlPolicy.ApplyCompatible);
        await rig.Runner(plan, table).RunAsync(SnapshotOnly, CancellationToken.None);
        await rig.ExecuteAsync("ALTER TABLE t ADD COLUMN note VARCHAR(10) NULL");
        await rig.ExecuteAsync("UPDATE t SET val = 'after an added column', note = 'x' WHERE id = 7");
        var afterAdd = await rig.MasterPositionAsync();

        await rig.Runner(plan, table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = afterAdd }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        (await rig.TargetScalarAsync<string>($"SELECT val FROM \"{rig.Schema}\".t WHERE id = 7")).Should().Be("after an added column");
        rig.Log.ToString().Should().Contain("leaves every mapped column as it was");

        await rig.ExecuteAsync("ALTER TABLE t MODIFY val TEXT NULL");
        var run = () => rig.Runner(plan, table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        var error = (await run.Should().ThrowAsync<BackfillException>()).Which;
        error.Error.Should().Be(BackfillError.SchemaChanged);
        error.Message.Should().Contain("changes column `val` from varchar(40) to text");
    }

    [Fact]
    public async Task ACheckpointWhoseBinlogIsGone_StopsWithAReSnapshotError()
    {
        await using var rig = await BackfillRig.CreateAsync("bf_purged");
        await rig.ExecuteAsync(SourceWriter.CreateSql);
        await SourceWriter.SeedAsync(rig, 10);
        var table = await rig.TableAsync("t");
        var plan = rig.Plan();
        await rig.Runner(plan, table).RunAsync(SnapshotOnly, CancellationToken.None);

        // The checkpoint names a binlog file the server no longer has, as after PURGE BINARY LOGS.
        await rig.ExecuteOnTargetAsync($"UPDATE \"{rig.Schema}\".dualwrite_backfill_plans SET cdc_file = 'binlog.000000', cdc_offset = 4");
        var run = () => rig.Runner(plan, table).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop(), ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        var error = (await run.Should().ThrowAsync<BackfillException>()).Which;
        error.Error.Should().Be(BackfillError.BinlogPurged);
        error.Message.Should().Contain("binlog.000000").And.Contain("re-snapshot").And.Contain("--resnapshot");

        // A re-snapshot recovers: it copies afresh and catches up from its own snapshot.
        await rig.ExecuteAsync("UPDATE t SET val = 'changed' WHERE id = 3");
        await rig.Runner(plan, table).RunAsync(new BackfillOptions { Resnapshot = true, CatchUp = new CatchUpStop { At = await rig.MasterPositionAsync() }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        (await rig.ReconcileAsync(table)).Clean.Should().BeTrue();
    }
}
