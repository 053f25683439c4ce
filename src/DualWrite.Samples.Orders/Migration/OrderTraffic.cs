using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Stores;
using DualWrite.Samples.Orders.Data;
using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// Live traffic through the repository while the migration moves: clients that place, pay, ship, cancel and read
/// orders, and list a customer's orders with a query beyond keys. Each client owns its customers, remembers every
/// write it was told succeeded (its ledger), and checks that every read and every list returns exactly its last
/// acknowledged writes, whatever phase the entity is in.
/// </summary>
public sealed class OrderTraffic
{
    /// <summary>Customer ids of traffic clients start here, above the seeded customers.</summary>
    public const long FirstCustomerId = 1_000_000;

    private readonly OrderRepository _repository;
    private readonly int _clients;
    private readonly int _seed;
    private readonly Dictionary<OrderKey, Order?>[] _ledgers;
    private TrafficStats _stats = new();

    /// <summary>Creates traffic of <paramref name="clients"/> concurrent clients over <paramref name="repository"/>.</summary>
    public OrderTraffic(OrderRepository repository, int clients, int seed)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);
        _repository = repository;
        _clients = clients;
        _seed = seed;
        _ledgers = [.. Enumerable.Range(0, clients).Select(_ => new Dictionary<OrderKey, Order?>())];
    }

    /// <summary>Operations completed in the current stretch so far.</summary>
    public long OperationsInStretch => Volatile.Read(ref _stats).Operations;

    /// <summary>Starts a new stretch of statistics and returns the finished one.</summary>
    public TrafficStats NextStretch() => Interlocked.Exchange(ref _stats, new TrafficStats());

    /// <summary>Runs the clients until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _clients).Select(i => Task.Run(() => ClientAsync(i, cancellationToken), CancellationToken.None)));

    /// <summary>
    /// Checks every acknowledged write of every client against <paramref name="store"/> (call once the traffic has
    /// stopped): the key's record must hold the last write (a cancelled order must be absent).
    /// </summary>
    /// <returns>
    /// Keys checked; the keys whose record does not hold the last acknowledged write; and the keys whose placement is not
    /// in the application's <c>order_events</c> exactly once (it commits in the placement's transaction).
    /// </returns>
    public async Task<(long Checked, IReadOnlyList<OrderKey> Lost, IReadOnlyList<OrderKey> PlacementsNotOnce)> VerifyAsync(
        IVersionedStore<OrderKey, Order> store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var lost = new List<OrderKey>();
        var notOnce = new List<OrderKey>();
        long checkedKeys = 0;
        foreach (var ledger in _ledgers)
        {
            foreach (var (key, expected) in ledger)
            {
                checkedKeys++;
                var record = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
                var actual = record is { IsTombstone: false } ? record.Value : null;
                if (!SameOrder(expected, actual))
                {
                    lost.Add(key);
                }

                if (await _repository.CountPlacementsAsync(key, cancellationToken).ConfigureAwait(false) != 1)
                {
                    notOnce.Add(key);
                }
            }
        }

        return (checkedKeys, lost, notOnce);
    }

    private async Task ClientAsync(int client, CancellationToken cancellationToken)
    {
        var random = new Random(_seed * 7919 + client);
        var ledger = _ledgers[client];
        var keys = new List<OrderKey>();
        var nextOrderNo = new Dictionary<long, int>();
        var customers = Enumerable.Range(0, 8).Select(j => FirstCustomerId + (client * 1000) + j).ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            var stats = Volatile.Read(ref _stats);
            var roll = random.Next(100);
            var started = Stopwatch.GetTimestamp();
            string what = "";
            try
            {
                if (roll < 30 || keys.Count == 0)
                {
                    var customer = customers[random.Next(customers.Length)];
                    var orderNo = nextOrderNo[customer] = nextOrderNo.GetValueOrDefault(customer) + 1;
                    var key = new OrderKey(customer, orderNo);
                    what = $"place {key}";
                    var details = string.Create(CultureInfo.InvariantCulture, $"{{\"items\": [{{\"qty\": {random.Next(1, 5)}, \"sku\": \"SKU-{random.Next(1000):D3}\"}}]}}");
                    var placedAt = TruncateToMicroseconds(DateTime.UtcNow);
                    ledger[key] = await _repository.PlaceAsync(key, random.Next(100, 100_000) / 100m, details, placedAt, cancellationToken).ConfigureAwait(false);
                    keys.Add(key);
                }
                else
                {
                    var key = keys[random.Next(keys.Count)];
                    var expected = ledger[key];
                    if (roll < 38)
                    {
                        var customer = key.CustomerId;
                        what = $"list customer {customer}";
                        var listed = await _repository.ListAsync(customer, cancellationToken).ConfigureAwait(false);
                        var wanted = ledger.Where(e => e.Key.CustomerId == customer && e.Value is not null).OrderBy(e => e.Key.OrderNo).ToList();
                        if (listed.Count != wanted.Count
                            || listed.Zip(wanted).Any(p => p.First.Key != p.Second.Key || !SameOrder(p.Second.Value, p.First.Order)))
                        {
                            stats.Stale($"list of customer {customer} returned {listed.Count} order(s), expected {wanted.Count}");
                        }
                    }
                    else if (roll < 65)
                    {
                        what = $"read {key}";
                        var actual = await _repository.GetAsync(key, cancellationToken).ConfigureAwait(false);
                        if (!SameOrder(expected, actual))
                        {
                            stats.Stale($"read {key} returned {Describe(actual)}, expected {Describe(expected)}");
                        }
                    }
                    else if (expected is null)
                    {
                        what = $"cancel cancelled {key}";
                        if (await _repository.CancelAsync(key, cancellationToken).ConfigureAwait(false))
                        {
                            stats.Stale($"cancelled order {key} was found again");
                        }
                    }
                    else if (roll < 80 && expected.Status == OrderStatus.New)
                    {
                        what = $"pay {key}";
                        var receipt = new byte[32];
                        random.NextBytes(receipt);
                        ledger[key] = await _repository.PayAsync(key, receipt, cancellationToken).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"order {key} was not found to pay");
                    }
                    else if (roll < 90 && expected.Status == OrderStatus.Paid)
                    {
                        what = $"ship {key}";
                        ledger[key] = await _repository.ShipAsync(key, cancellationToken).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"order {key} was not found to ship");
                    }
                    else
                    {
                        what = $"cancel {key}";
                        if (!await _repository.CancelAsync(key, cancellationToken).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException($"order {key} was not found to cancel");
                        }

                        ledger[key] = null;
                    }
                }

                stats.Completed(Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                stats.Failed($"{what}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private static bool SameOrder(Order? expected, Order? actual) =>
        expected is null ? actual is null : actual is not null && Order.ContentComparer.Equals(expected, actual);

    private static string Describe(Order? order) => order is null ? "no order" : $"{order.Status} {order.Total}";

    private static DateTime TruncateToMicroseconds(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
}
