using System.Globalization;
using DualWrite.MySql;
using DualWrite.Samples.Orders.Migration;
using MySqlConnector;

// The orders service's migration, end to end on a local MariaDB: see docs/sample-orders.md.
// Usage: dualwrite-sample-orders [--orders N] [--clients N] [--dwell SECONDS] [--seed N]
// The server comes from DUALWRITE_MYSQL_HOST, _PORT, _USER and _PASSWORD (eng/services.sh env).
try
{
    string[] known = ["--orders", "--clients", "--dwell", "--seed"];
    for (var i = 0; i < args.Length; i += 2)
    {
        if (!known.Contains(args[i]))
        {
            throw new ArgumentException($"unknown option '{args[i]}'; the options are {string.Join(", ", known)}, each followed by a whole number.");
        }
    }

    var options = new SampleOptions
    {
        ConnectionString = new MySqlConnectionStringBuilder
        {
            Server = Env("DUALWRITE_MYSQL_HOST", "127.0.0.1"),
            Port = uint.Parse(Env("DUALWRITE_MYSQL_PORT", "33306"), CultureInfo.InvariantCulture),
            UserID = Env("DUALWRITE_MYSQL_USER", "dualwrite"),
            Password = Env("DUALWRITE_MYSQL_PASSWORD", ""),
        }.ConnectionString,
        SeedOrders = Option(args, "--orders", 5000),
        Clients = Option(args, "--clients", 4),
        Dwell = TimeSpan.FromSeconds(Option(args, "--dwell", 2)),
        Seed = Option(args, "--seed", 1),
    };
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    var report = await new SampleMigration(options, Console.Out).RunAsync(cancel.Token).ConfigureAwait(false);
    return report.Succeeded ? 0 : 1;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (SampleMigrationException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 3;
}
catch (MySqlException ex)
{
    Console.Error.WriteLine($"error: the MySQL server said: {ex.Message} (is it running? `eng/services.sh up mariadb`)");
    return 4;
}

static string Env(string name, string fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

static int Option(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    if (at < 0)
    {
        return fallback;
    }

    if (at + 1 >= args.Length || !int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
    {
        throw new ArgumentException($"{name} needs a whole number.");
    }

    return value;
}
