using DualWrite.MySql.Schema;
using MySqlConnector;

namespace DualWrite.Migration.Plans;

/// <summary>Checks a loaded plan against the live source's schema and resolves every entity's column mapping.</summary>
public static class PlanValidator
{
    /// <summary>
    /// Reads the plan's tables from <paramref name="source"/> (in the plan's source database, or else the connection's)
    /// and checks every entity: the table exists and has a primary key, the key equals it, every copied column exists and
    /// has a supported type, target columns are distinct, the version column is an integer, transforms touch only text.
    /// </summary>
    /// <exception cref="PlanException">The plan does not fit the source; every problem found is listed.</exception>
    public static async Task<ValidatedPlan> ValidateAsync(MigrationPlan plan, MySqlConnection source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        var database = plan.Source.Database is { Length: > 0 } named ? named : source.Database;
        if (database.Length == 0)
        {
            throw new PlanException(new PlanProblem(plan.Source.Location, "source.database", "no database: set source.database, or name one in the connection string"));
        }

        var tables = await MySqlSchemaReader.ReadTablesAsync(source, database, cancellationToken).ConfigureAwait(false);
        if (tables.Count == 0 && !await MySqlSchemaReader.DatabaseExistsAsync(source, database, cancellationToken).ConfigureAwait(false))
        {
            throw new PlanException(new PlanProblem(plan.Source.DatabaseLocation ?? plan.Source.Location, "source.database", $"the source has no database `{database}`"));
        }

        var problems = new List<PlanProblem>();
        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var entities = new List<ValidatedEntity>();
        for (var i = 0; i < plan.Entities.Count; i++)
        {
            var check = new EntityCheck(plan.Entities[i], i, problems);
            if (check.Run(byName, database) is { } entity)
            {
                entities.Add(entity);
            }
        }

        return problems.Count > 0
            ? throw new PlanException(problems.OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column).ToList())
            : new ValidatedPlan(plan, entities);
    }
}
