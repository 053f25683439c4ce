using DualWrite.MySql.Schema;

namespace DualWrite.Migration.Plans;

/// <summary>One entity of a validated plan.</summary>
/// <param name="Plan">The entity as the plan writes it.</param>
/// <param name="Source">The source table as the server describes it.</param>
/// <param name="Columns">The copied columns: the plan's <c>columns</c> in their order, or else every table column not excluded, in table order.</param>
/// <param name="KeyColumns">The primary key's columns, as indexes into <see cref="Columns"/>, in key order.</param>
/// <param name="VersionColumn">The version column as an index into <see cref="Columns"/>; null when versions come from binlog positions.</param>
public sealed record ValidatedEntity(
    EntityPlan Plan,
    MySqlTable Source,
    IReadOnlyList<MappedColumn> Columns,
    IReadOnlyList<int> KeyColumns,
    int? VersionColumn);
