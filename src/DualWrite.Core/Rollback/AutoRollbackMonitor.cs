using System.Globalization;
using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DualWrite.Core.Rollback;

/// <summary>
/// The automatic-rollback policy: checks each entity's objectives over its window and, when one breaks while the
/// entity writes both stores or only the new one, moves it one phase back through the <see cref="IPhaseTransitioner"/>,
/// which audits the move like an operator's. Counts never carry across a phase change: the entity's window is cleared
/// whenever the decorator or the policy sees it in a new phase (<see cref="SloWindow.ObservePhase"/>). After its own
/// rollback the entity is also left alone for its cooldown. Every step back is safe to take: NewOnly feeds the old
/// store through the repair log (<see cref="PhaseRouting.FeedsSecondary"/>), and until an entry is applied, reads of its
/// key take the newer of both stores.
/// </summary>
public sealed partial class AutoRollbackMonitor
{
    /// <summary>The actor recorded in the audit trail for automatic moves.</summary>
    public const string Actor = "dualwrite:auto-rollback";

    private readonly Dictionary<string, AutoRollbackOptions> _policies;
    private readonly SloMonitor _slo;
    private readonly IPhaseSource _phases;
    private readonly IPhaseTransitioner _transitioner;
    private readonly TimeProvider _time;
    private readonly DualWriteMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, DateTimeOffset> _coolingUntil = new(StringComparer.Ordinal);

    /// <summary>Creates the policy for the entities in <paramref name="policies"/> (entity name to objectives).</summary>
    public AutoRollbackMonitor(
        IReadOnlyDictionary<string, AutoRollbackOptions> policies,
        SloMonitor slo,
        IPhaseSource phases,
        IPhaseTransitioner transitioner,
        TimeProvider? timeProvider = null,
        DualWriteMetrics? metrics = null,
        ILogger<AutoRollbackMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(slo);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(transitioner);
        _policies = policies.Where(p => p.Value.Enabled).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _slo = slo;
        _phases = phases;
        _transitioner = transitioner;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        foreach (var (entity, options) in _policies)
        {
            _slo.Register(entity, options);
        }
    }

    /// <summary>The shortest evaluation interval of the enabled policies (how often <see cref="RunAsync"/> checks).</summary>
    public TimeSpan EvaluationInterval =>
        _policies.Count == 0 ? TimeSpan.FromSeconds(5) : _policies.Values.Min(p => p.EvaluationInterval);

    /// <summary>Checks every entity once and makes the rollbacks that are due.</summary>
    /// <returns>The moves attempted, allowed or not.</returns>
    public async Task<IReadOnlyList<PhaseTransitionResult>> EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var results = new List<PhaseTransitionResult>();
        var now = _time.GetUtcNow();
        foreach (var (entity, options) in _policies)
        {
            if (_coolingUntil.TryGetValue(entity, out var until) && now < until)
            {
                continue;
            }

            var phase = _phases.GetPhase(entity);
            if (_slo.Find(entity) is not { } window)
            {
                continue;
            }

            window.ObservePhase(phase);
            if (phase < MigrationPhase.DualWriteReadOld)
            {
                continue;
            }

            var breach = FindBreach(window.Snapshot(), options);
            if (breach is null)
            {
                continue;
            }

            var request = new PhaseTransitionRequest(entity, phase, phase - 1, PhaseTransitionKind.StepBack, Actor, breach);
            var result = await _transitioner.TransitionAsync(request, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (result.Allowed)
            {
                // Counts start afresh in the phase the entity is in now.
                window.ObservePhase(phase - 1);
                _coolingUntil[entity] = now + options.Cooldown;
                _metrics?.RecordRollback(entity, automatic: true);
                LogRolledBack(_logger, entity, phase, phase - 1, breach);
            }
        }

        return results;
    }

    /// <summary>Evaluates every <see cref="EvaluationInterval"/> until <paramref name="cancellationToken"/> is cancelled; a failed evaluation is logged and retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(EvaluationInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await EvaluateOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The policy must outlive a control store that is briefly unreachable.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogEvaluationFailed(_logger, ex);
            }
        }
    }

    /// <summary>The first broken objective in <paramref name="s"/>, described for the audit trail, or null when all hold.</summary>
    internal static string? FindBreach(SloSnapshot s, AutoRollbackOptions o)
    {
        var window = s.Window.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        if (s.SecondaryWrites >= o.MinimumSamples && s.SecondaryErrorRate > o.MaxSecondaryErrorRate)
        {
            return Describe("secondary error rate", s.SecondaryErrorRate, o.MaxSecondaryErrorRate, s.SecondaryFailures, s.SecondaryWrites, "secondary writes", window);
        }

        if (s.ShadowComparisons >= o.MinimumSamples && s.ShadowMismatchRate > o.MaxShadowMismatchRate)
        {
            return Describe("shadow mismatch rate", s.ShadowMismatchRate, o.MaxShadowMismatchRate, s.ShadowMismatches, s.ShadowComparisons, "shadow reads", window);
        }

        if (o.LatencyThreshold is { } threshold && s.Calls >= o.MinimumSamples && s.SlowRate > o.MaxSlowRate)
        {
            var what = string.Create(CultureInfo.InvariantCulture, $"share of calls failed or slower than {threshold.TotalMilliseconds:0.#} ms");
            return Describe(what, s.SlowRate, o.MaxSlowRate, s.SlowOrFailedCalls, s.Calls, "calls", window);
        }

        return null;
    }

    private static string Describe(string what, double rate, double limit, long part, long whole, string unit, string window) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {rate * 100:0.0}% above the objective {limit * 100:0.0}% ({part} of {whole} {unit} in the last {window} s)");

    [LoggerMessage(EventId = DualWriteEventIds.AutomaticRollback, Level = LogLevel.Warning, Message = "Automatic rollback of {Entity} from {From} to {To}: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string entity, MigrationPhase from, MigrationPhase to, string reason);

    [LoggerMessage(EventId = DualWriteEventIds.AutoRollbackEvaluationFailed, Level = LogLevel.Error, Message = "Automatic-rollback evaluation failed; retrying at the next interval")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception);
}
