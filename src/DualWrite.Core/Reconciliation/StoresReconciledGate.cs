using System.Globalization;
using DualWrite.Core.Phases;

namespace DualWrite.Core.Reconciliation;

/// <summary>
/// Holds the moves that make the new store the one read (into DualWriteReadNew and NewOnly) until a reconciliation of
/// the pair finds no persistent difference. Other moves pass: nothing is read from the new store before them. For a
/// pair compared in process (the decorator's two stores); a migration plan's tables have the plan's <c>reconciled</c> gate.
/// </summary>
/// <param name="pair">The two stores.</param>
/// <param name="reconciler">The engine, with its options.</param>
public sealed class StoresReconciledGate(IReconcilePair pair, Reconciler reconciler) : IPhaseGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "stores-agree";

    /// <inheritdoc />
    public string Name => GateName;

    /// <summary>The last report this gate made, for reports.</summary>
    public EntityReport? LastReport { get; private set; }

    /// <inheritdoc />
    public async ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.To.Routing().Reads != StoreRole.New)
        {
            return GateResult.Pass("the new store is not read in " + context.To);
        }

        var report = LastReport = await reconciler.RunAsync(pair, TransientCheckpoints.Instance, null, cancellationToken).ConfigureAwait(false);
        var differences = report.Missing + report.Extra + report.Differing + report.Lagging;
        return report.Clean
            ? GateResult.Pass(string.Create(CultureInfo.InvariantCulture, $"{report.SourceRows} rows reconciled in {report.Chunks} chunks, none differ (verified as of {report.VerifiedAs?.Display ?? "an unreached position"})"))
            : GateResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{differences} keys differ between the stores ({report.Missing} missing, {report.Extra} extra, {report.Differing} differing, {report.Lagging} lagging), e.g. {string.Join(", ", report.Samples.Take(5).Select(s => s.Key))}"));
    }
}
