using DualWrite.Core.Phases;

namespace DualWrite.Conformance;

/// <content>Appends: idempotence on the entry's id, and what the log's columns cannot hold.</content>
public abstract partial class RepairLogConformanceTests<TLog>
{
    [Fact]
    public async Task Append_SameIdTwice_KeepsOneEntry()
    {
        var entry = Entry("orders", 1);

        await Log.AppendAsync(entry, Ct);
        await Log.AppendAsync(entry with { Reason = "retried", FailedAt = At.AddMinutes(1) }, Ct);

        (await Log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Append_SameIdFromSeveralTasksAtOnce_KeepsOneEntry()
    {
        var entry = Entry("orders", 1);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await Log.AppendAsync(entry, Ct))));

        (await Log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Append_SameIdAfterCompletion_KeepsItCompleted()
    {
        var entry = Entry("orders", 1);
        await Log.AppendAsync(entry, Ct);
        await Log.CompleteAsync([entry], Ct);

        await Log.AppendAsync(entry, Ct);

        (await Log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task Append_SameIdWithOtherContent_ThrowsConflict_AndKeepsTheFirst()
    {
        var entry = Entry("orders", 1);
        await Log.AppendAsync(entry, Ct);

        var act = async () => await Log.AppendAsync(entry with { Key = 2 }, Ct);

        var error = (await act.Should().ThrowAsync<Exception>()).Which;
        IsEntryConflict(error).Should().BeTrue($"{error.GetType().Name} ({error.Message}) should be the entry conflict");
        (await Log.ReadPendingAsync("orders", 10, Ct)).Should().Equal(entry);
    }

    [Fact]
    public async Task Append_LongReason_IsCutWithoutSplittingACharacter()
    {
        var reason = new string('x', 1023) + "😀" + new string('y', 100);

        await Log.AppendAsync(Entry("orders", 1) with { Reason = reason }, Ct);
        await Log.AppendAsync(Entry("orders", 2) with { Reason = "bad \uD800 surrogate" }, Ct);

        var pending = await Log.ReadPendingAsync("orders", 2, Ct);
        pending[0].Reason.Should().Be(new string('x', 1023));
        pending[1].Reason.Should().Be("bad \uFFFD surrogate");
    }

    [Fact]
    public async Task Append_KeyTooLongAsText_IsRejectedBeforeWriting()
    {
        var log = OpenLog(formatKey: _ => new string('k', 600));

        var act = async () => await log.AppendAsync(Entry("orders", 1), Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        (await RowCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Append_EntityTooLong_IsRejectedBeforeWriting()
    {
        var act = async () => await Log.AppendAsync(Entry(new string('e', 129), 1), Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        (await RowCountAsync()).Should().Be(0);
    }
}
