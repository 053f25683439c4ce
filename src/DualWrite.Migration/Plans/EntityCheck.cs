using DualWrite.Migration.Schema;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;

namespace DualWrite.Migration.Plans;

/// <summary>Checks one entity of a plan against its source table and builds its column mapping.</summary>
internal sealed class EntityCheck
{
    private readonly EntityPlan _entity;
    private readonly string _subject;
    private readonly List<PlanProblem> _problems;
    private readonly int _problemsBefore;

    public EntityCheck(EntityPlan entity, int index, List<PlanProblem> problems)
    {
        _entity = entity;
        _subject = $"entities[{index}] {entity.Table}";
        _problems = problems;
        _problemsBefore = problems.Count;
    }

    private PlanLocation TableAt => _entity.TableLocation ?? _entity.Location;

    private void Problem(PlanLocation location, string? column, string message) =>
        _problems.Add(new(location, column is null ? _subject : $"{_subject}.{column}", message));

    public ValidatedEntity? Run(IReadOnlyDictionary<string, MySqlTable> tables, string database)
    {
        if (!tables.TryGetValue(_entity.Table, out var table))
        {
            var nearest = PlanKeys.Nearest(_entity.Table, [.. tables.Keys]);
            Problem(TableAt, null, $"the source database `{database}` has no table `{_entity.Table}`" + (nearest is null ? "" : $"; did you mean `{nearest}`?"));
            return null;
        }

        CheckKey(table);
        var columns = _entity.Columns is null ? AllColumns(table) : ListedColumns(table, _entity.Columns);
        var keyColumns = KeyColumns(table, columns);
        var version = VersionColumn(table, columns);
        return _problems.Count > _problemsBefore ? null : new ValidatedEntity(_entity, table, columns, keyColumns, version);
    }

    private void CheckKey(MySqlTable table)
    {
        if (table.PrimaryKey.Count == 0)
        {
            Problem(TableAt, null, $"table `{table}` has no primary key; the backfill pages and upserts by key, so add one");
            return;
        }

        if (_entity.Key is { } key && !key.SequenceEqual(table.PrimaryKey, StringComparer.OrdinalIgnoreCase))
        {
            Problem(
                _entity.KeyLocation ?? _entity.Location,
                null,
                $"key [{string.Join(", ", key)}] is not the primary key [{string.Join(", ", table.PrimaryKey)}] of `{table}`; write the primary key or leave `key` out");
        }
    }

    /// <summary>Every column not excluded, in table order.</summary>
    private List<MappedColumn> AllColumns(MySqlTable table)
    {
        var excluded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _entity.Exclude.Count; i++)
        {
            var name = _entity.Exclude[i];
            var at = i < _entity.ExcludeLocations.Count ? _entity.ExcludeLocations[i] : _entity.Location;
            if (table.Find(name) is null)
            {
                Problem(at, name, $"`exclude` names `{name}`, but `{table}` has no such column" + Suggest(table, name));
            }
            else if (table.PrimaryKey.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Problem(at, name, "is a primary key column and cannot be excluded; every row is copied by its key");
            }

            excluded.Add(name);
        }

        var columns = new List<MappedColumn>();
        foreach (var column in table.Columns.Where(c => !excluded.Contains(c.Name)))
        {
            if (!TypeMapping.TryMap(column, out var type, out var reason))
            {
                Problem(TableAt, column.Name, $"{reason}; add it to `exclude` or list the columns to copy");
                continue;
            }

            columns.Add(new MappedColumn(column, column.Name, type, ColumnTransform.None));
        }

        return columns;
    }

    /// <summary>The plan's <c>columns</c>, in their order.</summary>
    private List<MappedColumn> ListedColumns(MySqlTable table, IReadOnlyList<ColumnPlan> plans)
    {
        var sources = new Dictionary<string, ColumnPlan>(StringComparer.OrdinalIgnoreCase);
        var targets = new Dictionary<string, ColumnPlan>(StringComparer.OrdinalIgnoreCase);
        var columns = new List<MappedColumn>();
        foreach (var plan in plans)
        {
            if (sources.TryGetValue(plan.Source, out var earlier))
            {
                Problem(plan.Location, plan.Source, $"is already mapped at line {earlier.Location.Line}; map each source column once");
            }
            else
            {
                sources[plan.Source] = plan;
            }

            if (targets.TryGetValue(plan.Target, out var sameTarget))
            {
                Problem(plan.Location, plan.Source, $"maps to target column `{plan.Target}`, which `{sameTarget.Source}` at line {sameTarget.Location.Line} already maps to; target columns must be distinct");
            }
            else
            {
                targets[plan.Target] = plan;
            }

            if (table.Find(plan.Source) is not { } column)
            {
                Problem(plan.Location, plan.Source, $"`{table}` has no column `{plan.Source}`" + Suggest(table, plan.Source));
                continue;
            }

            if (!TypeMapping.TryMap(column, out var type, out var reason))
            {
                Problem(plan.Location, plan.Source, reason);
                continue;
            }

            if (plan.Transform != ColumnTransform.None)
            {
                CheckTransform(plan, column, table);
            }

            columns.Add(new MappedColumn(column, plan.Target, type, plan.Transform));
        }

        return columns;
    }

    private void CheckTransform(ColumnPlan plan, MySqlColumn column, MySqlTable table)
    {
        var transform = plan.Transform.ToString().ToLowerInvariant();
        if (column.Kind != MySqlValueKind.Text)
        {
            Problem(plan.Location, plan.Source, $"transform `{transform}` needs a text column (CHAR, VARCHAR or TEXT), but `{column.Name}` is {column.ColumnType}");
        }
        else if (table.PrimaryKey.Contains(column.Name, StringComparer.OrdinalIgnoreCase))
        {
            Problem(plan.Location, plan.Source, $"transform `{transform}` on a primary key column could make two keys one; copy key columns as they are");
        }
    }

    private List<int> KeyColumns(MySqlTable table, List<MappedColumn> columns)
    {
        var indexes = new List<int>();
        foreach (var key in table.PrimaryKey)
        {
            var index = columns.FindIndex(c => string.Equals(c.Source.Name, key, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                indexes.Add(index);
            }
            else if (_entity.Columns is not null && _entity.Columns.All(c => !string.Equals(c.Source, key, StringComparison.OrdinalIgnoreCase)))
            {
                Problem(_entity.Location, key, "is a primary key column but is not in `columns`; every key column is copied");
            }
        }

        return indexes;
    }

    private int? VersionColumn(MySqlTable table, List<MappedColumn> columns)
    {
        if (_entity.VersionColumn is not { } name)
        {
            return null;
        }

        var at = _entity.VersionLocation ?? _entity.Location;
        if (table.Find(name) is not { } column)
        {
            Problem(at, name, $"is named as the version column, but `{table}` has no such column" + Suggest(table, name));
            return null;
        }

        if (column.Kind is not { } kind || !MySqlValuePolicy.IsInteger(kind))
        {
            Problem(at, name, $"the version column must have an integer type (a version rises with every change), but it is {column.ColumnType}");
            return null;
        }

        if (kind == MySqlValueKind.UInt64)
        {
            Problem(at, name, "the version column is bigint unsigned, whose values can exceed the signed 64-bit versions the stores keep");
            return null;
        }

        var index = columns.FindIndex(c => string.Equals(c.Source.Name, column.Name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            return index;
        }

        // A version travels with the data, so it must be copied; a listed column that failed is reported already.
        if (_entity.Columns is null && _entity.Exclude.Contains(column.Name, StringComparer.OrdinalIgnoreCase))
        {
            Problem(at, name, "the version column is excluded; a version travels with the data, so copy it");
        }
        else if (_entity.Columns is { } listed && listed.All(c => !string.Equals(c.Source, column.Name, StringComparison.OrdinalIgnoreCase)))
        {
            Problem(at, name, "the version column is not in `columns`; a version travels with the data, so copy it");
        }

        return null;
    }

    private static string Suggest(MySqlTable table, string name) =>
        PlanKeys.Nearest(name, [.. table.Columns.Select(c => c.Name)]) is { } nearest ? $"; did you mean `{nearest}`?" : "";
}
