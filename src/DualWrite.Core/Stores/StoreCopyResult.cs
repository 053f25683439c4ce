namespace DualWrite.Core.Stores;

/// <summary>What a <see cref="StoreCopier"/> run did.</summary>
/// <param name="Read">Records read from the source.</param>
/// <param name="Applied">Records the target applied (the rest it already held, or held newer).</param>
public readonly record struct StoreCopyResult(long Read, long Applied);
