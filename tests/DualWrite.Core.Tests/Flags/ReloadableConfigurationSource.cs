using Microsoft.Extensions.Configuration;

namespace DualWrite.Core.Tests.Flags;

/// <summary>A configuration source whose whole data set a test replaces, signalling a reload like a file or remote provider does.</summary>
internal sealed class ReloadableConfigurationSource : IConfigurationSource
{
    public ReloadableProvider Provider { get; } = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;

    internal sealed class ReloadableProvider : ConfigurationProvider
    {
        /// <summary>Replaces the data and fires the reload token.</summary>
        public void Replace(IDictionary<string, string?> data)
        {
            Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);
            OnReload();
        }

        /// <summary>Replaces the data without telling anyone, as a provider that missed its signal would.</summary>
        public void ReplaceSilently(IDictionary<string, string?> data) =>
            Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);
    }
}
