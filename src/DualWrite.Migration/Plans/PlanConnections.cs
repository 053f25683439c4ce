using DualWrite.MySql.Values;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Plans;

/// <summary>
/// Connection strings for a plan's servers. Passwords and whole connection strings come only from the environment
/// variables the plan names; errors name the variable, never its value.
/// </summary>
public static class PlanConnections
{
    /// <summary>
    /// The MySqlConnector connection string for <paramref name="plan"/> (a plan's <see cref="MigrationPlan.Source"/>),
    /// with the settings under which every value reads exactly (<see cref="MySqlExactSettings"/>).
    /// </summary>
    /// <param name="plan">The source connection.</param>
    /// <param name="environment">Reads an environment variable (null when unset), e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="PlanException">A variable the plan names is unset, or does not hold a valid connection string.</exception>
    public static string MySqlConnectionString(ConnectionPlan plan, Func<string, string?> environment) =>
        Build(plan, environment, "source", "MySQL", text => MySqlExactSettings.Apply(new MySqlConnectionStringBuilder(text)).ConnectionString, password => MySqlExactSettings.Apply(new MySqlConnectionStringBuilder
        {
            Server = plan.Host ?? "",
            Port = (uint)(plan.Port ?? 3306),
            UserID = plan.User ?? "",
            Password = password ?? "",
            Database = plan.Database ?? "",
            ApplicationName = "dualwrite",
        }).ConnectionString);

    /// <summary>The Npgsql connection string for <paramref name="plan"/> (a plan's <see cref="MigrationPlan.Target"/>).</summary>
    /// <param name="plan">The target connection.</param>
    /// <param name="environment">Reads an environment variable (null when unset), e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="PlanException">A variable the plan names is unset, or does not hold a valid connection string.</exception>
    public static string PostgreSqlConnectionString(ConnectionPlan plan, Func<string, string?> environment) =>
        Build(plan, environment, "target", "PostgreSQL", text => new NpgsqlConnectionStringBuilder(text).ConnectionString, password => new NpgsqlConnectionStringBuilder
        {
            Host = plan.Host,
            Port = plan.Port ?? 5432,
            Username = plan.User,
            Password = password,
            Database = plan.Database,
            ApplicationName = "dualwrite",
        }.ConnectionString);

    private static string Build(
        ConnectionPlan plan,
        Func<string, string?> environment,
        string side,
        string server,
        Func<string, string> parse,
        Func<string?, string> fromParts)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(environment);
        if (plan.ConnectionStringEnv is { } variable)
        {
            var text = Read(plan, environment, variable, $"{side}.connectionStringEnv");
            try
            {
                return parse(text);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                // The builder's message may quote the text, which can hold a password: say only where it came from.
                throw new PlanException(new PlanProblem(
                    plan.Location, $"{side}.connectionStringEnv", $"environment variable {variable} does not hold a valid {server} connection string"));
            }
        }

        return fromParts(plan.PasswordEnv is { } passwordVariable ? Read(plan, environment, passwordVariable, $"{side}.passwordEnv") : null);
    }

    private static string Read(ConnectionPlan plan, Func<string, string?> environment, string variable, string subject) =>
        environment(variable) ?? throw new PlanException(new PlanProblem(
            plan.Location,
            subject,
            $"environment variable {variable} is not set; export it before running (the plan names the variable, never the value)"));
}
