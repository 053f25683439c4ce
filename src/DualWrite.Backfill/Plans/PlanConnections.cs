using DualWrite.MySql;
using Npgsql;

namespace DualWrite.Backfill.Plans;

/// <summary>
/// Connection strings for a plan's servers. Passwords and whole connection strings come only from the environment
/// variables the plan names; errors name the variable, never its value.
/// </summary>
public static class PlanConnections
{
    /// <summary>The MySQL/MariaDB connection string for <paramref name="plan"/> (a plan's <see cref="MigrationPlan.Source"/>).</summary>
    /// <param name="plan">The source connection.</param>
    /// <param name="environment">Reads an environment variable (null when unset), e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="PlanException">A variable the plan names is unset, or does not hold a valid connection string.</exception>
    public static string MySqlConnectionString(ConnectionPlan plan, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(environment);
        if (plan.ConnectionStringEnv is { } variable)
        {
            var text = Read(plan, environment, variable, "source.connectionStringEnv");
            try
            {
                return new MySqlConnectionStringBuilder(text).ConnectionString;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw Invalid(plan, variable, "source.connectionStringEnv", "MySQL");
            }
        }

        var builder = new MySqlConnectionStringBuilder
        {
            Server = plan.Host ?? "",
            Port = (uint)(plan.Port ?? 3306),
            UserID = plan.User ?? "",
            Database = plan.Database ?? "",
            ApplicationName = "dualwrite",
        };
        if (plan.PasswordEnv is { } passwordVariable)
        {
            builder.Password = Read(plan, environment, passwordVariable, "source.passwordEnv");
        }

        return builder.ConnectionString;
    }

    /// <summary>The Npgsql connection string for <paramref name="plan"/> (a plan's <see cref="MigrationPlan.Target"/>).</summary>
    /// <param name="plan">The target connection.</param>
    /// <param name="environment">Reads an environment variable (null when unset), e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="PlanException">A variable the plan names is unset, or does not hold a valid connection string.</exception>
    public static string PostgreSqlConnectionString(ConnectionPlan plan, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(environment);
        if (plan.ConnectionStringEnv is { } variable)
        {
            var text = Read(plan, environment, variable, "target.connectionStringEnv");
            try
            {
                return new NpgsqlConnectionStringBuilder(text).ConnectionString;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw Invalid(plan, variable, "target.connectionStringEnv", "PostgreSQL");
            }
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = plan.Host,
            Port = plan.Port ?? 5432,
            Username = plan.User,
            Database = plan.Database,
            ApplicationName = "dualwrite",
        };
        if (plan.PasswordEnv is { } passwordVariable)
        {
            builder.Password = Read(plan, environment, passwordVariable, "target.passwordEnv");
        }

        return builder.ConnectionString;
    }

    private static string Read(ConnectionPlan plan, Func<string, string?> environment, string variable, string subject) =>
        environment(variable) ?? throw new PlanException(new PlanProblem(
            plan.Location,
            subject,
            $"environment variable {variable} is not set; export it before running (the plan names the variable, never the value)"));

    private static PlanException Invalid(ConnectionPlan plan, string variable, string subject, string server) =>
        new(new PlanProblem(plan.Location, subject, $"environment variable {variable} does not hold a valid {server} connection string"));
}
