using System.Globalization;
using DualWrite.Samples.Orders.Migration;
using MySqlConnector;
using Npgsql;

// The orders service's migration from a local MariaDB to a local PostgreSQL, end to end: see docs/sample-orders.md.
// Usage: dualwrite-sample-orders [--orders N] [--clients N] [--dwell SECONDS] [--seed N]
// The servers come from DUALWRITE_MYSQL_HOST, _PORT, _USER, _PASSWORD and DUALWRITE_PG_HOST, _PORT, _USER,
// _PASSWORD, _DATABASE (eng/services.sh env).
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
        PostgreSqlConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = Env("DUALWRITE_PG_HOST", "127.0.0.1"),
            Port = int.Parse(Env("DUALWRITE_PG_PORT", "55432"), CultureInfo.InvariantCulture),
            Username = Env("DUALWRITE_PG_USER", "dualwrite"),
            Password = Env("DUALWRITE_PG_PASSWORD", ""),
            Database = Env("DUALWRITE_PG_DATABASE", "dualwrite"),
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
catch (NpgsqlException ex)
{
    Console.Error.WriteLine($"error: the PostgreSQL server said: {ex.Message} (is it running? `eng/services.sh up postgres`)");
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
