using DualWrite.MySql.Control;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Gates;

/// <summary>Where a plan's gates read: the source, the control database with its tables, and (for some gates) the target.</summary>
/// <param name="Source">The plan's source.</param>
/// <param name="Control">The database of the phase control tables (and the health reports beside them).</param>
/// <param name="Tables">The control table names.</param>
public sealed record GateServers(MySqlDataSource Source, MySqlDataSource Control, PhaseControlTables Tables)
{
    /// <summary>The plan's target; needed when the plan names a gate that reads it (<see cref="PlanGates.ReadsTarget"/>).</summary>
    public NpgsqlDataSource? Target { get; init; }

    /// <summary>The gates' clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
