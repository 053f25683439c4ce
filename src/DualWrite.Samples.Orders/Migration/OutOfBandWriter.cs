using System.Globalization;
using DualWrite.Samples.Orders.Data;
using MySqlConnector;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// A back-office job that changes the old database with plain SQL, bypassing the application and DualWrite: it
/// re-prices and re-states seeded orders, adds orders for its own customers and deletes some. The triggers version its
/// rows; from the backfill on, its changes reach the new store only through the binlog catch-up. It keeps to keys the
/// traffic's clients never touch (seeded customers, and its own from <see cref="FirstCustomerId"/>), so the clients'
/// ledgers stay exact. A statement InnoDB picks as a deadlock victim is retried, as any application would.
/// </summary>
public sealed class OutOfBandWriter
{
    /// <summary>Customer ids of the orders this job adds start here, between the seeded customers and the traffic's.</summary>
    public const long FirstCustomerId = 500_000;

    private readonly MySqlDataSource _dataSource;
    private readonly int _seedCustomers;
    private readonly int _seed;
    private long _writes;
    private long _deadlocks;
    private readonly Lock _gate = new();
    private (long CustomerId, int OrderNo)? _last;

    /// <summary>Creates the job over the old database (<paramref name="dataSource"/>'s), touching seeded customers 1..<paramref name="seedCustomers"/>.</summary>
    public OutOfBandWriter(MySqlDataSource dataSource, int seedCustomers, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seedCustomers);
        _dataSource = dataSource;
        _seedCustomers = seedCustomers;
        _seed = seed;
    }

    /// <summary>Statements that changed a row so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Statements retried after InnoDB chose them as deadlock victims.</summary>
    public long Deadlocks => Interlocked.Read(ref _deadlocks);

    /// <summary>The key of the last row this job changed, if any.</summary>
    public (long CustomerId, int OrderNo)? LastKey
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Changes rows until <paramref name="cancellationToken"/> is cancelled, with a pause of <paramref name="pause"/> between statements.</summary>
    public async Task RunAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        var random = new Random(_seed * 31 + 17);
        var nextOrderNo = 1;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (sql, customer, orderNo) = random.Next(10) switch
                {
                    < 5 => Reprice(random.Next(1, _seedCustomers + 1), random.Next(1, 6), random.Next(1, 500)),
                    < 7 => Restate(random.Next(1, _seedCustomers + 1), random.Next(1, 6), (random.Next(3) switch { 0 => "New", 1 => "Paid", _ => "Shipped" })),
                    < 9 => Add(FirstCustomerId + random.Next(20), nextOrderNo++, random.Next(100, 100_000) / 100m, random.Next(1, 4)),
                    _ => Remove(random.Next(1, _seedCustomers + 1), random.Next(1, 6)),
                };
                var command = new MySqlCommand(sql, connection);
                await using (command.ConfigureAwait(false))
                {
                    try
                    {
                        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
                        {
                            Interlocked.Increment(ref _writes);
                            lock (_gate)
                            {
                                _last = (customer, orderNo);
                            }
                        }
                    }
                    catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.LockDeadlock)
                    {
                        Interlocked.Increment(ref _deadlocks);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }

                try
                {
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static (string, long, int) Reprice(long customer, int orderNo, int cents) => (string.Create(CultureInfo.InvariantCulture,
        $"UPDATE `{OrderTable.Name}` SET `total` = `total` + {cents / 100m} WHERE `customer_id` = {customer} AND `order_no` = {orderNo}"), customer, orderNo);

    private static (string, long, int) Restate(long customer, int orderNo, string status) => (string.Create(CultureInfo.InvariantCulture,
        $"UPDATE `{OrderTable.Name}` SET `status` = '{status}' WHERE `customer_id` = {customer} AND `order_no` = {orderNo}"), customer, orderNo);

    // The JSON is written in the key order and spacing PostgreSQL's jsonb prints, so a dump of either side shows the same text.
    private static (string, long, int) Add(long customer, int orderNo, decimal total, int items) => (string.Create(CultureInfo.InvariantCulture,
        $"INSERT INTO `{OrderTable.Name}` (`customer_id`, `order_no`, `status`, `total`, `placed_at`, `details`, `receipt`) " +
        $"VALUES ({customer}, {orderNo}, 'New', {total}, UTC_TIMESTAMP(6), '{{\"items\": {items}, \"source\": \"back office\"}}', NULL)"), customer, orderNo);

    private static (string, long, int) Remove(long customer, int orderNo) => (string.Create(CultureInfo.InvariantCulture,
        $"DELETE FROM `{OrderTable.Name}` WHERE `customer_id` = {customer} AND `order_no` = {orderNo}"), customer, orderNo);
}
