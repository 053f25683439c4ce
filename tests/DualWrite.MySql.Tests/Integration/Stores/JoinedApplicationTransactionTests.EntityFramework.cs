using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;
using DualWrite.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <content>The same with EF Core (Pomelo's provider, on MySqlConnector): the DbContext's transaction is joined.</content>
public sealed partial class JoinedApplicationTransactionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DbContextTransaction_Joined_CommitsTheSavedEntityAndTheDecoratedWriteTogether(bool throughTheJoinedObject)
    {
        await using var context = ShopContext.Over(Scratch.Database);
        await using var efTransaction = await context.Database.BeginTransactionAsync(Ct);
        context.Orders.Add(new Order { Id = 1, Note = "placed" });
        await context.SaveChangesAsync(Ct);

        await using (var joined = MySqlStoreTransaction.Join(context.Database.CurrentTransaction!.GetDbTransaction()))
        {
            (await _decorated.UpsertAsync(new(1, 10, "placed"), Ct)).Should().Be(WriteResult.Applied);
            (await VisibleFromOutsideAsync(1)).Should().Be("order:0 row:0 intents:0 pending:0", "nothing is visible before the commit");

            if (throughTheJoinedObject)
            {
                await joined.CommitAsync(Ct);
            }
            else
            {
                await efTransaction.CommitAsync(Ct);
            }
        }

        (await VisibleFromOutsideAsync(1)).Should().Be($"order:1 row:1 intents:1 pending:{(throughTheJoinedObject ? 0 : 1)}");
        if (!throughTheJoinedObject)
        {
            // EF Core committed on its own: the intent that committed with the entity brings the secondary up to date.
            (await new RepairWorker<long, string>("items", Store, _secondary, Store.RepairLog).RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 0));
        }

        (await _secondary.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 10, "placed"));
        (await PendingAsync()).Should().Be(0);
    }

    [Fact]
    public async Task DbContextTransaction_Joined_RolledBack_LeavesNeitherTheEntityNorTheRecordNorAnIntent()
    {
        await using var context = ShopContext.Over(Scratch.Database);
        await using (var efTransaction = await context.Database.BeginTransactionAsync(Ct))
        await using (MySqlStoreTransaction.Join(efTransaction.GetDbTransaction()))
        {
            context.Orders.Add(new Order { Id = 1, Note = "placed" });
            await context.SaveChangesAsync(Ct);
            await _decorated.UpsertAsync(new(1, 10, "placed"), Ct);
            await efTransaction.RollbackAsync(Ct);
        }

        (await VisibleFromOutsideAsync(1)).Should().Be("order:0 row:0 intents:0 pending:0");
        _secondary.Count.Should().Be(0);
    }

    internal sealed class Order
    {
        public long Id { get; set; }

        public string Note { get; set; } = "";
    }

    /// <summary>The application's DbContext over the scratch database's <c>orders</c> table.</summary>
    internal sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();

        public static ShopContext Over(string database) => new(new DbContextOptionsBuilder<ShopContext>()
            .UseMySql(MariaDbServer.ConnectionString(b => b.Database = database), new MariaDbServerVersion(new Version(10, 11)))
            .Options);

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<Order>(order =>
            {
                order.ToTable("orders");
                order.HasKey(o => o.Id);
                order.Property(o => o.Id).HasColumnName("id").ValueGeneratedNever();
                order.Property(o => o.Note).HasColumnName("note");
            });
    }
}
