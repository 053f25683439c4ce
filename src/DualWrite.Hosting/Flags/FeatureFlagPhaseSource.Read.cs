using Microsoft.FeatureManagement;

namespace DualWrite.Hosting.Flags;

public sealed partial class FeatureFlagPhaseSource
{
    /// <summary>Reads one flag and says what phase it assigns or exactly what is wrong with it.</summary>
    private async ValueTask<PhaseFlagReading> ReadFlagAsync(string flagName, CancellationToken cancellationToken)
    {
        try
        {
            // Enabled is checked first: a disabled flag can still hand out default_when_disabled, and a
            // disabled phase flag must not route.
            if (!await _featureManager.IsEnabledAsync(flagName, cancellationToken).ConfigureAwait(false))
            {
                return await IsDefinedAsync(flagName, cancellationToken).ConfigureAwait(false)
                    ? PhaseFlagReading.Invalid(PhaseFlagProblem.DisabledFlag, $"feature flag '{flagName}' is disabled; enable it and assign a phase variant.")
                    : PhaseFlagReading.Invalid(PhaseFlagProblem.MissingFlag, $"feature flag '{flagName}' is not defined; define it as a variant flag whose assigned variant is one of {PhaseList}.");
            }

            var variant = await _featureManager.GetVariantAsync(flagName, cancellationToken).ConfigureAwait(false);
            if (variant is null || string.IsNullOrEmpty(variant.Name))
            {
                return PhaseFlagReading.Invalid(
                    PhaseFlagProblem.NoVariant,
                    $"feature flag '{flagName}' is enabled but assigns no variant; set allocation.default_when_enabled to a declared variant named after a phase ({PhaseList}).");
            }

            return PhaseFlagSchema.TryParsePhase(variant.Name, out var phase)
                ? PhaseFlagReading.Valid(phase)
                : PhaseFlagReading.Invalid(PhaseFlagProblem.UnknownVariant, $"feature flag '{flagName}' assigns variant '{variant.Name}', which is not a phase name ({PhaseList}).");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the flag system throws is a flag problem to report, not a reason to drop the last good phase.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return PhaseFlagReading.Invalid(PhaseFlagProblem.EvaluationFailed, $"evaluating feature flag '{flagName}' failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string PhaseList => string.Join(", ", PhaseFlagSchema.PhaseNames);

    private async ValueTask<bool> IsDefinedAsync(string flagName, CancellationToken cancellationToken)
    {
        // Only reached when the flag is off, so listing the names stays off the common path.
        await foreach (var name in _featureManager.GetFeatureNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(name, flagName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
