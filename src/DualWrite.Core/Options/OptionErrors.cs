using System.Globalization;

namespace DualWrite.Core.Options;

/// <summary>Collects option errors, each naming the option by its configuration path, so a bad setting fails start-up with a precise message.</summary>
internal sealed class OptionErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Positive(string path, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(path, $"must be a positive duration (was {value})");
        }
    }

    public void AtLeast(string path, int value, int minimum)
    {
        if (value < minimum)
        {
            Add(path, string.Create(CultureInfo.InvariantCulture, $"must be at least {minimum} (was {value})"));
        }
    }

    public void Ratio(string path, double value, bool allowZero)
    {
        if (double.IsNaN(value) || value > 1 || value < 0 || (!allowZero && value == 0))
        {
            Add(path, string.Create(CultureInfo.InvariantCulture, $"must be a ratio {(allowZero ? "from 0" : "above 0")} up to 1 (was {value})"));
        }
    }

    public void Add(string path, string problem) => _errors.Add($"{path} {problem}.");
}
