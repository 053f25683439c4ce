using System.Globalization;
using System.Text;

namespace DualWrite.MySql.Replication;

/// <summary>
/// Keeps the checkpoint in a small text file, replaced atomically (write, flush to disk, rename) so a
/// crash leaves either the old or the new position, never a torn one.
/// </summary>
public sealed class FileCheckpointStore : IBinlogCheckpointStore
{
    private readonly string _path;

    /// <summary>Uses <paramref name="path"/>; its directory must exist.</summary>
    public FileCheckpointStore(string path) => _path = Path.GetFullPath(path);

    /// <inheritdoc />
    public async Task<BinlogPosition?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var lines = await File.ReadAllLinesAsync(_path, cancellationToken).ConfigureAwait(false);
        if (lines.Length < 2 || !ulong.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw new InvalidDataException($"The checkpoint file '{_path}' is not a binlog position (expected: file name, offset[, GTID state]).");
        }

        return new BinlogPosition(lines[0], offset, lines.Length > 2 && lines[2].Length > 0 ? lines[2] : null);
    }

    /// <inheritdoc />
    public async Task SaveAsync(BinlogPosition position, CancellationToken cancellationToken)
    {
        var temporary = _path + ".tmp";
        var text = string.Create(CultureInfo.InvariantCulture, $"{position.File}\n{position.Offset}\n{position.GtidState}\n");
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
