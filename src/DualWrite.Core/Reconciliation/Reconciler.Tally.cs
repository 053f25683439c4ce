namespace DualWrite.Core.Reconciliation;

public sealed partial class Reconciler
{
    /// <summary>The run's figures, added up chunk by chunk from every range (and from the resumed chunks).</summary>
    private sealed class Tally(string entity, int maxSamples, IProgress<ReconcileProgress>? progress)
    {
        private readonly Lock _lock = new();
        private readonly List<RowDifference> _samples = [];
        private readonly List<RepairAction> _repairs = [];
        private long _sourceRows, _targetRows, _chunks, _resumed, _chunksDiffering, _matching;
        private long _missing, _extra, _differing, _lagging, _rechecked, _repaired;

        public void Add(ChunkResult chunk, bool resumed)
        {
            lock (_lock)
            {
                _sourceRows += chunk.SourceRows;
                _targetRows += chunk.TargetRows;
                _chunks++;
                _resumed += resumed ? 1 : 0;
                _chunksDiffering += chunk.SourceDigest == chunk.TargetDigest ? 0 : 1;
                _rechecked += chunk.Rechecked;
                var lostSourceRows = 0L;
                foreach (var difference in chunk.Differences)
                {
                    switch (difference.Kind)
                    {
                        case DifferenceKind.MissingInTarget:
                            _missing++;
                            break;
                        case DifferenceKind.ExtraInTarget:
                            _extra++;
                            break;
                        case DifferenceKind.ValuesDiffer:
                            _differing++;
                            break;
                        default:
                            _lagging++;
                            break;
                    }

                    if (difference.Kind != DifferenceKind.ExtraInTarget)
                    {
                        lostSourceRows++;
                    }

                    if (_samples.Count < maxSamples)
                    {
                        _samples.Add(difference);
                    }
                }

                _matching += Math.Max(0, chunk.SourceRows - lostSourceRows);
                foreach (var repair in chunk.Repairs)
                {
                    if (repair.Kind != RepairKind.SkippedNewer)
                    {
                        _repaired++;
                    }

                    if (_repairs.Count < maxSamples)
                    {
                        _repairs.Add(repair);
                    }
                }

                progress?.Report(new ReconcileProgress(entity, _sourceRows, _chunks, _missing + _extra + _differing + _lagging));
            }
        }

        public EntityReport Report(IReconcilePair pair, DateTimeOffset startedAt, DateTimeOffset finishedAt, TimeSpan duration, FeedPosition? verifiedAs, bool dryRun)
        {
            lock (_lock)
            {
                return new EntityReport
                {
                    Entity = pair.Entity,
                    Display = pair.Display,
                    Columns = pair.Columns,
                    StartedAt = startedAt,
                    FinishedAt = finishedAt,
                    Duration = duration,
                    SourceRows = _sourceRows,
                    TargetRows = _targetRows,
                    Chunks = _chunks,
                    ChunksResumed = _resumed,
                    ChunksDiffering = _chunksDiffering,
                    Matching = _matching,
                    Missing = _missing,
                    Extra = _extra,
                    Differing = _differing,
                    Lagging = _lagging,
                    Rechecked = _rechecked,
                    Repaired = _repaired,
                    DryRun = dryRun,
                    VerifiedAs = verifiedAs,
                    SchemaFingerprint = pair.SchemaFingerprint,
                    Samples = [.. _samples.OrderBy(s => s.Key.ToString(), StringComparer.Ordinal)],
                    RepairSamples = [.. _repairs],
                };
            }
        }
    }
}
