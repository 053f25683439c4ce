using System.Text.Json;
using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using MySqlConnector;

namespace DualWrite.MySql.Control;

public sealed partial class MySqlPhaseControl
{
    /// <summary>Every entity's stored phase, ordered by entity.</summary>
    public async Task<IReadOnlyList<PhaseState>> GetPhasesAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadPhasesAsync(connection, _sql.SelectPhases, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One entity's stored phase, or null when it has not been initialized.</summary>
    public async Task<PhaseState?> GetPhaseAsync(string entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await ReadPhasesAsync(connection, _sql.SelectPhase, entity, cancellationToken).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    /// <summary>Every change of <paramref name="entity"/> and every refused request, oldest first, starting with its initialization.</summary>
    /// <exception cref="PhaseControlException">An audit row holds a value that is not a phase, kind or outcome.</exception>
    public async Task<IReadOnlyList<PhaseAuditEntry>> GetHistoryAsync(string entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var entries = new List<PhaseAuditEntry>();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await EnsureAuditOutcomeAsync(connection, cancellationToken).ConfigureAwait(false);
            var command = new MySqlCommand(_sql.SelectHistory, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("@entity", entity);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        entries.Add(ReadAuditEntry(reader));
                    }
                }
            }
        }

        return entries;
    }

    private async Task<List<PhaseState>> ReadPhasesAsync(MySqlConnection connection, string sql, string? entity, CancellationToken cancellationToken)
    {
        var rows = new List<PhaseState>();
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            if (entity is not null)
            {
                command.Parameters.AddWithValue("@entity", entity);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(new PhaseState(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), Utc(reader.GetDateTime(3)), reader.GetString(4)));
                }
            }
        }

        return rows;
    }

    private static PhaseAuditEntry ReadAuditEntry(MySqlDataReader reader)
    {
        var id = reader.GetInt64(0);
        var entity = reader.GetString(1);
        MigrationPhase? from = reader.IsDBNull(2) ? null : ParseStored(reader.GetString(2), "from_phase", id, entity);
        var to = ParseStored(reader.GetString(3), "to_phase", id, entity);
        var kindText = reader.GetString(4);
        PhaseTransitionKind? kind = null;
        if (kindText is not InitializeKind and not ReconcileKind)
        {
            kind = Enum.GetNames<PhaseTransitionKind>().Contains(kindText, StringComparer.Ordinal)
                ? Enum.Parse<PhaseTransitionKind>(kindText)
                : throw InvalidStored("kind", kindText, id, entity);
        }

        IReadOnlyList<GateOutcome> gates;
        try
        {
            gates = GateOutcomeJson.Read(reader.GetString(8));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PhaseControlException(PhaseControlError.InvalidStoredValue, entity, $"Audit row {id} of entity '{entity}' has unreadable gates JSON: {ex.Message}", ex);
        }

        var outcome = reader.GetString(10);
        var rejection = outcome == AppliedOutcome ? PhaseTransitionRejection.None
            : Enum.GetNames<PhaseTransitionRejection>().Contains(outcome, StringComparer.Ordinal) && outcome != nameof(PhaseTransitionRejection.None)
                ? Enum.Parse<PhaseTransitionRejection>(outcome)
                : throw InvalidStored("outcome", outcome, id, entity);
        return new PhaseAuditEntry(id, entity, from, to, kind, reader.GetString(5), reader.GetString(6), Utc(reader.GetDateTime(7)), gates, reader.GetInt64(9))
        {
            Rejection = rejection,
            Action = kindText,
        };
    }

    private static MigrationPhase ParseStored(string text, string column, long id, string entity) =>
        PhaseFlagSchema.TryParsePhase(text, out var phase) ? phase : throw InvalidStored(column, text, id, entity);

    private static PhaseControlException InvalidStored(string column, string text, long id, string entity) =>
        new(PhaseControlError.InvalidStoredValue, entity, $"Audit row {id} of entity '{entity}' holds '{text}' in {column}, which is not a valid value.");

    private static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    private static async Task<int> ExecuteAsync(
        MySqlConnection connection, MySqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = new MySqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
