using YamlDotNet.RepresentationModel;

namespace DualWrite.Migration.Plans;

/// <summary>The <c>entities</c> list: one table each, with its key, version, columns and exclusions.</summary>
internal sealed partial class PlanDocumentReader
{
    private static readonly Dictionary<string, ColumnTransform> Transforms = new(StringComparer.Ordinal)
    {
        ["none"] = ColumnTransform.None,
        ["trim"] = ColumnTransform.Trim,
        ["lower"] = ColumnTransform.Lower,
        ["upper"] = ColumnTransform.Upper,
    };

    private List<EntityPlan> Entities(Dictionary<string, Field> root, YamlNode rootNode)
    {
        if (Required(root, rootNode, "entities", "the list of tables to move") is not { } field)
        {
            return [];
        }

        if (field.Value is not YamlSequenceNode list)
        {
            Problem(field.Value, "entities", $"expected a list of tables; found {Describe(field.Value)}");
            return [];
        }

        if (list.Children.Count == 0)
        {
            Problem(list, "entities", "the list is empty; name at least one table");
        }

        var entities = new List<EntityPlan>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Entity(list.Children[i], i) is { } entity)
            {
                entities.Add(entity);
            }
        }

        ReportDuplicates(entities, e => e.Name, "entity name", "give one of them a different `name`");
        ReportDuplicates(entities, e => e.TargetTable, "target table", "give one of them a different `target`");
        return entities;
    }

    private void ReportDuplicates(List<EntityPlan> entities, Func<EntityPlan, string> value, string what, string fix)
    {
        var first = new Dictionary<string, EntityPlan>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entities.Count; i++)
        {
            var entity = entities[i];
            if (first.TryGetValue(value(entity), out var earlier))
            {
                _problems.Add(new(
                    entity.Location,
                    Subject(entity, i),
                    $"{what} `{value(entity)}` is already used by the entity at line {earlier.Location.Line}; {fix}"));
            }
            else
            {
                first[value(entity)] = entity;
            }
        }
    }

    private static string Subject(EntityPlan entity, int index) => $"entities[{index}] {entity.Table}";

    private EntityPlan? Entity(YamlNode node, int index)
    {
        var subject = $"entities[{index}]";
        if (Fields(node, subject, PlanKeys.Entity) is not { } fields)
        {
            return null;
        }

        string? table = null;
        if (!fields.TryGetValue("table", out var tableField))
        {
            Problem(node, subject, "missing: table (the source table to move)");
        }
        else
        {
            table = Text(tableField.Value, Path(subject, "table"));
            subject = table is null ? subject : $"{subject} {table}";
        }

        var name = fields.TryGetValue("name", out var nameField) ? Name(nameField.Value, $"{subject} name") : table;
        var target = Text(fields, "target", $"{subject} target") ?? table;
        var key = Names(fields, "key", $"{subject} key");
        if (key is { Count: 0 } && fields.TryGetValue("key", out var keyField))
        {
            Problem(keyField.Value, $"{subject} key", "the list is empty; leave `key` out to use the primary key");
        }

        var version = Text(fields, "version", $"{subject} version");
        var chunkSize = Number(fields, "chunkSize", $"{subject} chunkSize", 1);
        var exclude = Names(fields, "exclude", $"{subject} exclude") ?? [];
        var columns = fields.TryGetValue("columns", out var columnsField) ? Columns(columnsField.Value, subject) : null;
        if (columns is not null && fields.TryGetValue("exclude", out var excludeField))
        {
            Problem(excludeField.Key, $"{subject} exclude", "`exclude` cannot be used with `columns`, which already lists every copied column; drop the excluded ones from `columns`");
        }

        if (table is null || name is null || target is null)
        {
            return null;
        }

        return new EntityPlan(name, table, target, key?.Select(k => k.Name).ToList(), version, columns, exclude.Select(e => e.Name).ToList(), chunkSize, At(node))
        {
            TableLocation = At(tableField.Value),
            KeyLocation = fields.TryGetValue("key", out var k) ? At(k.Value) : null,
            VersionLocation = fields.TryGetValue("version", out var v) ? At(v.Value) : null,
            ExcludeLocations = exclude.Select(e => e.Location).ToList(),
        };
    }

    private List<ColumnPlan>? Columns(YamlNode node, string subject)
    {
        if (node is not YamlSequenceNode list)
        {
            Problem(node, $"{subject} columns", $"expected a list of column mappings; found {Describe(node)}");
            return null;
        }

        if (list.Children.Count == 0)
        {
            Problem(list, $"{subject} columns", "the list is empty; leave `columns` out to copy every column");
        }

        var columns = new List<ColumnPlan>();
        foreach (var item in list.Children)
        {
            if (Column(item, subject) is { } column)
            {
                columns.Add(column);
            }
        }

        return columns;
    }

    /// <summary>A column mapping: <c>{ source: a, target: b, transform: lower }</c>, or just the column's name.</summary>
    private ColumnPlan? Column(YamlNode node, string entitySubject)
    {
        if (node is YamlScalarNode)
        {
            return Text(node, $"{entitySubject} columns") is { } name ? new ColumnPlan(name, name, ColumnTransform.None, At(node)) : null;
        }

        if (Fields(node, $"{entitySubject} columns", PlanKeys.Column) is not { } fields)
        {
            return null;
        }

        if (!fields.TryGetValue("source", out var sourceField))
        {
            Problem(node, $"{entitySubject} columns", "missing: source (the source column to copy)");
            return null;
        }

        if (Text(sourceField.Value, $"{entitySubject} columns") is not { } source)
        {
            return null;
        }

        var subject = $"{entitySubject}.{source}";
        var target = Text(fields, "target", subject) ?? source;
        var transform = ColumnTransform.None;
        if (fields.TryGetValue("transform", out var transformField) && Text(transformField.Value, subject) is { } text
            && !Transforms.TryGetValue(text, out transform))
        {
            var nearest = PlanKeys.Nearest(text, [.. Transforms.Keys]);
            Problem(transformField.Value, subject, $"unknown transform `{text}`; " + (nearest is null ? "expected none, trim, lower or upper" : $"did you mean `{nearest}`?"));
        }

        return new ColumnPlan(source, target, transform, At(node));
    }
}
