using DualWrite.Core.Phases;

namespace DualWrite.Core.Tests.Phases;

/// <summary>A gate that answers from a delegate and remembers what it was asked.</summary>
internal sealed class StubGate(string name, Func<GateContext, CancellationToken, ValueTask<GateResult>> evaluate) : IPhaseGate
{
    public StubGate(string name, GateResult result)
        : this(name, (_, _) => ValueTask.FromResult(result))
    {
    }

    public string Name { get; } = name;

    public List<GateContext> Calls { get; } = [];

    public ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        Calls.Add(context);
        return evaluate(context, cancellationToken);
    }
}
