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
/// acknowledged writes, whatever phase the entity is in. A client may give each call a timeout, as an application
/// does: a write that failed or ran out of time is in doubt (it may still land), so its key holds either the value
/// before it or the value it wrote, and the client leaves that key and its customer's lists alone from then on.
/// </summary>
public sealed class OrderTraffic
{
    /// <summary>Customer ids of traffic clients start here, above the seeded customers.</summary>
    public const long FirstCustomerId = 1_000_000;

    private readonly OrderRepository _repository;
    private readonly int _clients;
    private readonly int _seed;
    private readonly TimeSpan? _callTimeout;
    private readonly long _firstCustomerId;
    private readonly Dictionary<OrderKey, Order?>[] _ledgers;
    private readonly Dictionary<OrderKey, InDoubt>[] _doubts;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _abandoned = new();
    private TrafficStats _stats = new();

    /// <summary>Creates traffic of <paramref name="clients"/> concurrent clients over <paramref name="repository"/>.</summary>
    /// <param name="repository">The application's repository.</param>
    /// <param name="clients">Concurrent clients.</param>
    /// <param name="seed">The clients' random seed.</param>
    /// <param name="callTimeout">How long a client waits for one call before it counts it as failed; none when null.</param>
    /// <param name="firstCustomerId">The first of the clients' customer ids (each client owns 8, 1,000 apart); traffic of another instance takes other ids.</param>
    public OrderTraffic(OrderRepository repository, int clients, int seed, TimeSpan? callTimeout = null, long firstCustomerId = FirstCustomerId)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);
        if (callTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(callTimeout));
        }

        _repository = repository;
        _clients = clients;
        _seed = seed;
        _callTimeout = callTimeout;
        _firstCustomerId = firstCustomerId;
        _ledgers = [.. Enumerable.Range(0, clients).Select(_ => new Dictionary<OrderKey, Order?>())];
        _doubts = [.. Enumerable.Range(0, clients).Select(_ => new Dictionary<OrderKey, InDoubt>())];
    }

    /// <summary>Writes that failed or ran out of time so far, each of which may or may not have landed (read once the traffic has stopped).</summary>
    public int WritesInDoubt => _doubts.Sum(d => d.Count);

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
        for (var client = 0; client < _clients; client++)
        {
            foreach (var (key, expected) in _ledgers[client])
            {
                checkedKeys++;
                var doubt = _doubts[client].GetValueOrDefault(key);
                var record = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
                var actual = record is { IsTombstone: false } ? record.Value : null;
                if (doubt is null ? !SameOrder(expected, actual) : !SameOrder(doubt.Before, actual) && !SameOrder(doubt.Attempted, actual))
                {
                    lost.Add(key);
                }

                // A placement in doubt committed its event with the order, or neither (where MySQL is authoritative),
                // or may have left the order alone (where PostgreSQL is: the order is written there first).
                var placements = await _repository.CountPlacementsAsync(key, cancellationToken).ConfigureAwait(false);
                if (doubt is { Placement: true } ? placements > 1 : placements != 1)
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
        var doubts = _doubts[client];
        var doubtfulCustomers = new HashSet<long>();
        var keys = new List<OrderKey>();
        var nextOrderNo = new Dictionary<long, int>();
        var customers = Enumerable.Range(0, 8).Select(j => _firstCustomerId + (client * 1000) + j).ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            var stats = Volatile.Read(ref _stats);
            var roll = random.Next(100);
            var started = Stopwatch.GetTimestamp();
            string what = "";
            (OrderKey Key, Order? Before, Order? Attempted, bool Placement)? writing = null;
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
                    var total = random.Next(100, 100_000) / 100m;
                    writing = (key, null, new Order(OrderStatus.New, total, placedAt, details, null), true);
                    ledger[key] = await CallAsync(_repository.PlaceAsync(key, total, details, placedAt, cancellationToken), cancellationToken).ConfigureAwait(false);
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
                        var listed = await CallAsync(_repository.ListAsync(customer, cancellationToken), cancellationToken).ConfigureAwait(false);
                        if (doubtfulCustomers.Contains(customer))
                        {
                            // A write in doubt may or may not be in the list.
                            stats.Completed(Stopwatch.GetElapsedTime(started), what);
                            continue;
                        }

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
                        var actual = await CallAsync(_repository.GetAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false);
                        if (!SameOrder(expected, actual))
                        {
                            stats.Stale($"read {key} returned {Describe(actual)}, expected {Describe(expected)}");
                        }
                    }
                    else if (expected is null)
                    {
                        what = $"cancel cancelled {key}";
                        if (await CallAsync(_repository.CancelAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false))
                        {
                            stats.Stale($"cancelled order {key} was found again");
                        }
                    }
                    else if (roll < 80 && expected.Status == OrderStatus.New)
                    {
                        what = $"pay {key}";
                        var receipt = new byte[32];
                        random.NextBytes(receipt);
                        writing = (key, expected, expected with { Status = OrderStatus.Paid, Receipt = receipt }, false);
                        ledger[key] = await CallAsync(_repository.PayAsync(key, receipt, cancellationToken), cancellationToken).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"order {key} was not found to pay");
                    }
                    else if (roll < 90 && expected.Status == OrderStatus.Paid)
                    {
                        what = $"ship {key}";
                        writing = (key, expected, expected with { Status = OrderStatus.Shipped }, false);
                        ledger[key] = await CallAsync(_repository.ShipAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"order {key} was not found to ship");
                    }
                    else
                    {
                        what = $"cancel {key}";
                        writing = (key, expected, null, false);
                        if (!await CallAsync(_repository.CancelAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException($"order {key} was not found to cancel");
                        }

                        ledger[key] = null;
                    }
                }

                if (writing is { } written)
                {
                    stats.Wrote(written.Key);
                }

                stats.Completed(Stopwatch.GetElapsedTime(started), what);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped mid-write: it may have landed.
                Doubt(writing);
                return;
            }
            catch (Exception ex)
            {
                stats.Failed(what, $"{what}: {ex.GetType().Name}: {ex.Message}");
                Doubt(writing);
            }
        }

        // It may still land: the key holds the value before or the one written, and is left alone from now on.
        void Doubt((OrderKey Key, Order? Before, Order? Attempted, bool Placement)? writing)
        {
            if (writing is { } doubt)
            {
                doubts[doubt.Key] = new InDoubt(doubt.Before, doubt.Attempted, doubt.Placement);
                ledger.TryAdd(doubt.Key, doubt.Before);
                keys.Remove(doubt.Key);
                doubtfulCustomers.Add(doubt.Key.CustomerId);
            }
        }
    }

    /// <summary>Waits for <paramref name="call"/> up to the call timeout; past it the call goes on unobserved and the client counts a failure.</summary>
    private async Task<T> CallAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        if (_callTimeout is not { } timeout)
        {
            return await call.ConfigureAwait(false);
        }

        try
        {
            return await call.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            _abandoned.TryAdd(call, 0);
            _ = call.ContinueWith(
                static (done, state) =>
                {
                    _ = done.Exception;
                    ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _);
                },
                _abandoned,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw new TimeoutException($"no answer within the caller's timeout of {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Completes once every call a client gave up on (its timeout passed) has ended on its own, as they do once the
    /// store answers again; until then such a call may still hold a connection and an open transaction.
    /// </summary>
    public Task WhenAbandonedCallsEndAsync() => Task.WhenAll(_abandoned.Keys.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));

    /// <summary>A write that failed or ran out of time: the key holds <see cref="Before"/> or <see cref="Attempted"/> (null: no order).</summary>
    private sealed record InDoubt(Order? Before, Order? Attempted, bool Placement);

    private static bool SameOrder(Order? expected, Order? actual) =>
        expected is null ? actual is null : actual is not null && Order.ContentComparer.Equals(expected, actual);

    private static string Describe(Order? order) => order is null ? "no order" : $"{order.Status} {order.Total}";

    private static DateTime TruncateToMicroseconds(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
}
