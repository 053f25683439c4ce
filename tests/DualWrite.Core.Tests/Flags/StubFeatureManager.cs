using System.Runtime.CompilerServices;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace DualWrite.Core.Tests.Flags;

/// <summary>A feature manager answering from a settable table, for timer and failure tests that need no configuration.</summary>
internal sealed class StubFeatureManager : IVariantFeatureManager
{
    private volatile Dictionary<string, string?> _variants = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Thrown by every evaluation while set.</summary>
    public Exception? Failure { get; set; }

    public int Evaluations;

    public void Set(string flagName, string? variant) =>
        _variants = new Dictionary<string, string?>(_variants, StringComparer.OrdinalIgnoreCase) { [flagName] = variant };

    public async IAsyncEnumerable<string> GetFeatureNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        foreach (var name in _variants.Keys)
        {
            yield return name;
        }
    }

    public ValueTask<bool> IsEnabledAsync(string feature, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Evaluations);
        if (Failure is { } failure)
        {
            throw failure;
        }

        return ValueTask.FromResult(_variants.ContainsKey(feature));
    }

    public ValueTask<bool> IsEnabledAsync<TContext>(string feature, TContext context, CancellationToken cancellationToken = default) =>
        IsEnabledAsync(feature, cancellationToken);

    public ValueTask<Variant?> GetVariantAsync(string feature, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_variants.TryGetValue(feature, out var name) && name is not null ? new Variant { Name = name } : null);

    public ValueTask<Variant?> GetVariantAsync(string feature, ITargetingContext context, CancellationToken cancellationToken = default) =>
        GetVariantAsync(feature, cancellationToken);
}
