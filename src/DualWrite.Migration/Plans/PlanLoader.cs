namespace DualWrite.Migration.Plans;

/// <summary>Loads migration plans from YAML (the format is in docs/migration-plans.md).</summary>
public static class PlanLoader
{
    /// <summary>Reads and parses the plan file at <paramref name="path"/>; problems name the path as it was given.</summary>
    /// <exception cref="PlanException">The file is not a valid plan; every problem found is listed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<MigrationPlan> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path);
    }

    /// <summary>Parses plan text; <paramref name="file"/> is the name problems carry.</summary>
    /// <exception cref="PlanException">The text is not a valid plan; every problem found is listed.</exception>
    public static MigrationPlan Parse(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(file);
        var reader = new PlanDocumentReader(file);
        using var text = new StringReader(yaml);
        var plan = reader.Read(text);
        return plan ?? throw new PlanException(reader.Problems);
    }
}
