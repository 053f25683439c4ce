using System.Globalization;
using DualWrite.Core.Phases;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// Holds the moves that make the new store the one read (into DualWriteReadNew and NewOnly) until a full comparison
/// of both stores finds no difference. Other moves pass: nothing is read from the new store before them.
/// </summary>
public sealed class StoresAgreeGate<TKey, TValue>(StoreComparison<TKey, TValue> comparison) : IPhaseGate
    where TKey : notnull
{
    /// <inheritdoc />
    public string Name => "stores-agree";

    /// <summary>The last comparison this gate ran, for reports.</summary>
    public ComparisonResult<TKey>? LastResult { get; private set; }

    /// <inheritdoc />
    public async ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.To.Routing().Reads != StoreRole.New)
        {
            return GateResult.Pass("the new store is not read in " + context.To);
        }

        var result = LastResult = await comparison.CompareAsync(cancellationToken).ConfigureAwait(false);
        return result.Agree
            ? GateResult.Pass(string.Create(CultureInfo.InvariantCulture, $"{result.Compared} keys compared, none differ"))
            : GateResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{result.DifferingCount} of {result.Compared} keys differ between the stores, e.g. {string.Join(", ", result.Differing.Take(5))}"));
    }
}
