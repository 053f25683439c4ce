using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using DualWrite.MySql.Core;

namespace DualWrite.MySql;

/// <summary>
/// A connection to a MySQL or MariaDB server. Pooled by default: <see cref="CloseAsync"/> resets the
/// session and returns it to the pool of its connection string (or of its <see cref="MySqlDataSource"/>).
/// </summary>
public sealed class MySqlConnection : DbConnection
{
    private static readonly ConcurrentDictionary<string, ConnectionSettings> ParsedSettings = new(StringComparer.Ordinal);

    private readonly MySqlDataSource? _dataSource;
    private string _connectionString = "";
    private ServerSession? _session;
    private ConnectionState _state = ConnectionState.Closed;

    /// <summary>Creates a connection with no connection string.</summary>
    public MySqlConnection()
    {
    }

    /// <summary>Creates a connection from a connection string (see <see cref="MySqlConnectionStringBuilder"/> for keys).</summary>
    public MySqlConnection(string connectionString) => ConnectionString = connectionString;

    internal MySqlConnection(MySqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _connectionString = dataSource.ConnectionString;
        Settings = dataSource.Settings;
    }

    internal ConnectionSettings? Settings { get; private set; }

    /// <summary>Lets tests exercise classic EOF-terminated result sets (unpooled connections only).</summary>
    internal bool DisableDeprecateEof { get; set; }

    /// <inheritdoc />
    [AllowNull]
    public override string ConnectionString
    {
        get => _connectionString;
        set
        {
            if (_state != ConnectionState.Closed)
            {
                throw new InvalidOperationException("The connection string cannot change while the connection is open.");
            }

            if (_dataSource is not null)
            {
                throw new InvalidOperationException("A connection created by a MySqlDataSource uses the data source's connection string.");
            }

            _connectionString = value ?? "";
            Settings = string.IsNullOrEmpty(_connectionString)
                ? null
                : ParsedSettings.GetOrAdd(_connectionString, static cs => ConnectionSettings.Parse(cs));
        }
    }

    /// <inheritdoc />
    public override string Database => _session?.Database ?? Settings?.Database ?? "";

    /// <inheritdoc />
    public override string DataSource => Settings is null ? "" : $"{Settings.Server}:{Settings.Port}";

    /// <inheritdoc />
    public override string ServerVersion => (_session ?? throw new InvalidOperationException("The connection is not open.")).ServerVersion;

    /// <summary>The server's id for this connection (what <c>CONNECTION_ID()</c> returns and <c>KILL</c> takes).</summary>
    public long ServerThreadId => (_session ?? throw new InvalidOperationException("The connection is not open.")).ConnectionId;

    /// <summary>True when the connection is encrypted with TLS.</summary>
    public bool IsEncrypted => _session?.IsTls ?? false;

    /// <inheritdoc />
    public override ConnectionState State => _state;

    internal MySqlDataReader? ActiveReader { get; set; }

    internal bool CloseWithReader { get; set; }

    internal MySqlTransaction? CurrentTransaction { get; set; }

    internal bool IsSessionBroken => _session?.IsBroken ?? true;

    /// <inheritdoc />
    public override void Open() => OpenAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_state != ConnectionState.Closed)
        {
            throw new InvalidOperationException("The connection is already open.");
        }

        var settings = Settings ?? throw new InvalidOperationException("The connection string has not been set.");
        SetState(ConnectionState.Connecting);
        try
        {
            if (_dataSource is not null)
            {
                _session = await _dataSource.Pool.RentAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (settings.Pooling && !DisableDeprecateEof)
            {
                _session = await ConnectionPool.GetOrCreate(settings).RentAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var session = new ServerSession(settings, pool: null) { DisableDeprecateEof = DisableDeprecateEof };
                await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
                _session = session;
            }
        }
        catch
        {
            SetState(ConnectionState.Closed);
            throw;
        }

        SetState(ConnectionState.Open);
    }

    /// <inheritdoc />
    public override void Close() => CloseAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task CloseAsync()
    {
        var session = _session;
        if (session is null)
        {
            return;
        }

        if (ActiveReader is { } reader)
        {
            CloseWithReader = false;
            await reader.CloseAsync().ConfigureAwait(false);
        }

        _session = null;
        CurrentTransaction = null;
        if (session.Pool is { } pool)
        {
            await pool.ReturnAsync(session).ConfigureAwait(false);
        }
        else
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        SetState(ConnectionState.Closed);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override void ChangeDatabase(string databaseName) => ChangeDatabaseAsync(databaseName).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task ChangeDatabaseAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        await ExecuteInternalAsync("USE " + QuoteIdentifier(databaseName), cancellationToken).ConfigureAwait(false);
        SessionForCommand().Database = databaseName;
    }

    /// <summary>Quotes an identifier with backticks, doubling any backtick inside it.</summary>
    public static string QuoteIdentifier(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>Starts a transaction.</summary>
    public new ValueTask<MySqlTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default) =>
        BeginTransactionAsync(IsolationLevel.Unspecified, cancellationToken);

    /// <summary>Starts a transaction at an isolation level.</summary>
    public new async ValueTask<MySqlTransaction> BeginTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken = default)
    {
        if (CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A transaction is already active on this connection; nested transactions are not supported.");
        }

        var level = isolationLevel switch
        {
            IsolationLevel.Unspecified => null,
            IsolationLevel.ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel.ReadCommitted => "READ COMMITTED",
            IsolationLevel.RepeatableRead => "REPEATABLE READ",
            IsolationLevel.Serializable => "SERIALIZABLE",
            _ => throw new NotSupportedException($"Isolation level {isolationLevel} is not supported by MySQL."),
        };
        if (level is not null)
        {
            await ExecuteInternalAsync("SET TRANSACTION ISOLATION LEVEL " + level, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteInternalAsync("START TRANSACTION", cancellationToken).ConfigureAwait(false);
        var transaction = new MySqlTransaction(this, isolationLevel == IsolationLevel.Unspecified ? IsolationLevel.RepeatableRead : isolationLevel);
        CurrentTransaction = transaction;
        return transaction;
    }

    /// <inheritdoc />
    protected override async ValueTask<DbTransaction> BeginDbTransactionAsync(IsolationLevel isolationLevel, CancellationToken cancellationToken) =>
        await BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
        BeginTransactionAsync(isolationLevel).AsTask().GetAwaiter().GetResult();

    /// <summary>Creates a command on this connection.</summary>
    public new MySqlCommand CreateCommand() => new() { Connection = this, Transaction = CurrentTransaction };

    /// <inheritdoc />
    protected override DbCommand CreateDbCommand() => CreateCommand();

    /// <summary>Checks the connection with COM_PING.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (_session is not { IsBroken: false } session || ActiveReader is not null)
        {
            return false;
        }

        try
        {
            await session.PingAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MySqlException)
        {
            return false;
        }
    }

    /// <summary>Empties the pool this connection's connection string uses.</summary>
    public static Task ClearPoolAsync(MySqlConnection connection)
    {
        var settings = connection.Settings ?? throw new InvalidOperationException("The connection string has not been set.");
        return ConnectionPool.GetOrCreate(settings).ClearAsync();
    }

    /// <summary>Empties every connection-string pool.</summary>
    public static Task ClearAllPoolsAsync() => ConnectionPool.ClearAllAsync();

    /// <inheritdoc />
    public override string ToString() => Settings is null ? nameof(MySqlConnection) : $"MySqlConnection({Settings})";

    internal ServerSession SessionForCommand()
    {
        if (_session is null || _state != ConnectionState.Open)
        {
            throw new InvalidOperationException("The connection is not open.");
        }

        if (ActiveReader is not null)
        {
            throw new InvalidOperationException("This connection already has an open data reader; close it first.");
        }

        return _session;
    }

    internal async Task ExecuteInternalAsync(string sql, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, this);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void OnReaderClosed(MySqlDataReader reader)
    {
        if (!ReferenceEquals(ActiveReader, reader))
        {
            return;
        }

        ActiveReader = null;
        if (CloseWithReader)
        {
            CloseWithReader = false;
            _ = CloseAsync();
        }
    }

    private void SetState(ConnectionState state)
    {
        var old = _state;
        _state = state;
        if (old != state)
        {
            OnStateChange(new StateChangeEventArgs(old, state));
        }
    }

}
