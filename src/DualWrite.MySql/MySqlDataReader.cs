using System.Collections;
using System.Data.Common;
using System.Runtime.CompilerServices;
using DualWrite.MySql.Core;
using DualWrite.MySql.Protocol;
using DualWrite.MySql.Protocol.Text;

namespace DualWrite.MySql;

/// <summary>
/// Streams the rows of one or more result sets. Values are decoded from the wire only when asked
/// for, and each row is valid until the next <see cref="ReadAsync(CancellationToken)"/>.
/// </summary>
public sealed partial class MySqlDataReader : DbDataReader
{
    private readonly MySqlCommand _command;
    private readonly ServerSession _session;
    private readonly CommandScope _scope;
    private ColumnDefinition[] _columns = [];
    private int[] _offsets = [];
    private int[] _lengths = [];
    private bool _hasRow;
    private bool _prefetched;
    private bool _resultHasRows;
    private bool _closed;
    private long _recordsAffected = -1;

    internal MySqlDataReader(MySqlCommand command, ServerSession session, CommandScope scope)
    {
        _command = command;
        _session = session;
        _scope = scope;
    }

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Skip leading statements that return no rows (INSERT ...; SELECT ...), adding up their counts.
        while (true)
        {
            var header = await _session.ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header.HasRows)
            {
                SetColumns(header.Columns!);
                await PrefetchAsync().ConfigureAwait(false);
                return;
            }

            AddAffected(header);
            if (!_session.HasPendingResults)
            {
                return;
            }
        }
    }

    private void AddAffected(ResultHeader header)
    {
        _recordsAffected = (_recordsAffected < 0 ? 0 : _recordsAffected) + (long)header.AffectedRows;
        _command.LastInsertedId = (long)header.LastInsertId;
    }

    private void SetColumns(ColumnDefinition[] columns)
    {
        _columns = columns;
        if (_offsets.Length != columns.Length)
        {
            _offsets = new int[columns.Length];
            _lengths = new int[columns.Length];
        }

        _hasRow = false;
    }

    /// <inheritdoc />
    public override int FieldCount => _columns.Length;

    /// <inheritdoc />
    public override bool HasRows => _resultHasRows;

    /// <summary>Reads the first row ahead so that <see cref="HasRows"/> can answer; <see cref="ReadAsync(CancellationToken)"/> then returns it.</summary>
    private async ValueTask PrefetchAsync()
    {
        _resultHasRows = await _session.ReadRowAsync().ConfigureAwait(false);
        _prefetched = _resultHasRows;
    }

    /// <inheritdoc />
    public override bool IsClosed => _closed;

    /// <inheritdoc />
    public override int RecordsAffected => (int)Math.Min(_recordsAffected, int.MaxValue);

    /// <inheritdoc />
    public override int Depth => 0;

    /// <inheritdoc />
    public override object this[int ordinal] => GetValue(ordinal);

    /// <inheritdoc />
    public override object this[string name] => GetValue(GetOrdinal(name));

    /// <inheritdoc />
    public override bool Read() => ReadAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (_prefetched)
        {
            _prefetched = false;
            return AcceptRow(true) ? TrueTask : FalseTask;
        }

        var pending = _session.ReadRowAsync();
        if (pending.IsCompletedSuccessfully)
        {
            return AcceptRow(pending.Result) ? TrueTask : FalseTask;
        }

        return ReadSlowAsync(pending);
    }

    private static readonly Task<bool> TrueTask = Task.FromResult(true);
    private static readonly Task<bool> FalseTask = Task.FromResult(false);

    private async Task<bool> ReadSlowAsync(ValueTask<bool> pending) => AcceptRow(await pending.ConfigureAwait(false));

    private bool AcceptRow(bool hasRow)
    {
        _hasRow = hasRow;
        if (hasRow)
        {
            IndexRow(_session.CurrentRow.Span);
        }

        return hasRow;
    }

    /// <summary>Finds where each value of a text-protocol row starts; a 0xFB length means NULL.</summary>
    /// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_row.html</remarks>
    private void IndexRow(ReadOnlySpan<byte> row)
    {
        var offset = 0;
        var offsets = _offsets;
        var lengths = _lengths;
        for (var i = 0; i < offsets.Length; i++)
        {
            if ((uint)offset >= (uint)row.Length)
            {
                throw MySqlException.Protocol($"Row packet ended before column {i} ('{_columns[i].Name}').");
            }

            int length = row[offset];
            if (length < 0xFB)
            {
                offset++;
            }
            else if (length == 0xFB)
            {
                offsets[i] = offset + 1;
                lengths[i] = -1;
                offset++;
                continue;
            }
            else
            {
                length = ReadLongLength(row, ref offset);
            }

            if (row.Length - offset < length)
            {
                throw MySqlException.Protocol($"Row packet too short for column {i} ('{_columns[i].Name}').");
            }

            offsets[i] = offset;
            lengths[i] = length;
            offset += length;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadLongLength(ReadOnlySpan<byte> row, ref int offset)
    {
        var reader = new Protocol.Serialization.PayloadReader(row) { Offset = offset };
        var length = reader.ReadLengthEncodedLength();
        offset = reader.Offset;
        return length;
    }

    /// <inheritdoc />
    public override bool NextResult() => NextResultAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task<bool> NextResultAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        _prefetched = false;
        _resultHasRows = false;
        while (_session.InRows)
        {
            await _session.ReadRowAsync().ConfigureAwait(false);
        }

        _hasRow = false;
        while (_session.HasPendingResults)
        {
            var header = await _session.ReadResultHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header.HasRows)
            {
                SetColumns(header.Columns!);
                await PrefetchAsync().ConfigureAwait(false);
                return true;
            }

            AddAffected(header);
        }

        _columns = [];
        return false;
    }

    /// <summary>The raw text-protocol bytes of a value (empty for NULL): what the server sent, for exact comparison and hashing.</summary>
    public ReadOnlySpan<byte> GetRawBytes(int ordinal)
    {
        var length = CheckedLength(ordinal);
        return length < 0 ? default : _session.CurrentRow.Span.Slice(_offsets[ordinal], length);
    }

    /// <summary>
    /// Whether the column's value bytes (<see cref="GetRawBytes"/>) are UTF-8 text: a character column whose result
    /// character set is utf8mb4 or utf8mb3. Such bytes can be handed on without decoding them to a string.
    /// </summary>
    public bool IsUtf8Text(int ordinal)
    {
        if ((uint)ordinal >= (uint)_columns.Length)
        {
            throw new IndexOutOfRangeException($"Column ordinal {ordinal} is out of range; the result has {_columns.Length} column(s).");
        }

        var column = _columns[ordinal];
        return column.CollationId != CharacterSets.BinaryCollationId
            && CharacterSets.TryGetEncoding(column.CollationId, out var encoding)
            && encoding.CodePage == System.Text.Encoding.UTF8.CodePage;
    }

    private int CheckedLength(int ordinal)
    {
        if (!_hasRow)
        {
            throw new InvalidOperationException("No current row: call Read() first, and check that it returned true.");
        }

        if ((uint)ordinal >= (uint)_columns.Length)
        {
            throw new IndexOutOfRangeException($"Column ordinal {ordinal} is out of range; the result has {_columns.Length} column(s).");
        }

        return _lengths[ordinal];
    }

    private ReadOnlySpan<byte> Value(int ordinal)
    {
        var length = CheckedLength(ordinal);
        if (length < 0)
        {
            throw new InvalidCastException($"Column '{_columns[ordinal].Name}' is NULL; check IsDBNull first.");
        }

        return _session.CurrentRow.Span.Slice(_offsets[ordinal], length);
    }

    /// <inheritdoc />
    public override bool IsDBNull(int ordinal) => CheckedLength(ordinal) < 0;

    /// <inheritdoc />
    public override object GetValue(int ordinal)
    {
        var length = CheckedLength(ordinal);
        return length < 0 ? DBNull.Value : TextValueDecoder.Decode(_session.CurrentRow.Span.Slice(_offsets[ordinal], length), _columns[ordinal]);
    }

    /// <inheritdoc />
    public override int GetValues(object[] values)
    {
        var count = Math.Min(values.Length, _columns.Length);
        for (var i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    /// <inheritdoc />
    public override string GetName(int ordinal) => Column(ordinal).Name;

    /// <inheritdoc />
    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (string.Equals(_columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (var i = 0; i < _columns.Length; i++)
        {
            if (string.Equals(_columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new IndexOutOfRangeException($"The result has no column named '{name}'.");
    }

    /// <inheritdoc />
    public override Type GetFieldType(int ordinal) => TextValueDecoder.GetFieldType(Column(ordinal));

    /// <inheritdoc />
    public override string GetDataTypeName(int ordinal) => ColumnTypeNames.Describe(Column(ordinal));

    private ColumnDefinition Column(int ordinal) => (uint)ordinal < (uint)_columns.Length
        ? _columns[ordinal]
        : throw new IndexOutOfRangeException($"Column ordinal {ordinal} is out of range; the result has {_columns.Length} column(s).");

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    /// <inheritdoc />
    public override void Close() => CloseAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _hasRow = false;
        try
        {
            if (!_session.IsBroken)
            {
                await _session.DrainAsync().ConfigureAwait(false);
            }
        }
        catch (MySqlException)
        {
            // The connection broke while discarding rows; it is dropped when it goes back to the pool.
        }
        finally
        {
            _session.ActiveScope = null;
            await _scope.DisposeAsync().ConfigureAwait(false);
            _command.OnReaderClosed(this);
        }
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

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    internal void CancelFromCommand() => _scope.Cancel();
}
