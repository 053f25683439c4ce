namespace DualWrite.Samples.Orders.Migration;

/// <summary>What the sample migration runs against and how hard it pushes.</summary>
public sealed class SampleOptions
{
    /// <summary>A MySqlConnector connection string for the MariaDB/MySQL server (any default database; the sample uses its own).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>An Npgsql connection string for the PostgreSQL server of the new store.</summary>
    public required string PostgreSqlConnectionString { get; init; }

    /// <summary>The MySQL database of the application's data before the migration; dropped and created anew.</summary>
    public string OldDatabase { get; init; } = "dualwrite_sample_old";

    /// <summary>The PostgreSQL schema of the new store; dropped and created anew.</summary>
    public string NewSchema { get; init; } = "dualwrite_sample_new";

    /// <summary>Orders in the table before the migration starts.</summary>
    public int SeedOrders { get; init; } = 5000;

    /// <summary>Concurrent traffic clients.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>How long the traffic runs in each phase before the next move, at least.</summary>
    public TimeSpan Dwell { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many operations the traffic completes in each phase before the next move, at least, however long that takes.</summary>
    public int MinimumOperationsPerPhase { get; init; } = 50;

    /// <summary>The traffic's random seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the values; the message names the option.</summary>
    /// <exception cref="ArgumentException">A value is out of range or a database name is not usable.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("ConnectionString is required.");
        }

        if (string.IsNullOrWhiteSpace(PostgreSqlConnectionString))
        {
            throw new ArgumentException("PostgreSqlConnectionString is required.");
        }

        foreach (var (name, value) in new[] { (nameof(OldDatabase), OldDatabase), (nameof(NewSchema), NewSchema) })
        {
            if (string.IsNullOrEmpty(value) || value.Length > 48 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException($"{name} '{value}' must be 1 to 48 ASCII letters, digits or underscores.");
            }
        }

        if (MinimumOperationsPerPhase < 0)
        {
            throw new ArgumentException($"MinimumOperationsPerPhase must be 0 or more (got {MinimumOperationsPerPhase}).");
        }

        if (SeedOrders < 0)
        {
            throw new ArgumentException($"SeedOrders must be 0 or more (got {SeedOrders}).");
        }

        if (Clients is < 1 or > 64)
        {
            throw new ArgumentException($"Clients must be 1 to 64 (got {Clients}).");
        }

        if (Dwell < TimeSpan.Zero || Dwell > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"Dwell must be 0 to 10 minutes (got {Dwell}).");
        }
    }
}
