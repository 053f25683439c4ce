using DualWrite.Hosting.Options;
using Microsoft.Extensions.Options;

namespace DualWrite.Hosting.DependencyInjection;

/// <summary>Validates <see cref="DualWriteOptions"/> against what was registered; every problem is listed with its configuration path.</summary>
internal sealed class DualWriteOptionsValidator(DualWriteRegistry registry) : IValidateOptions<DualWriteOptions>
{
    public ValidateOptionsResult Validate(string? name, DualWriteOptions options)
    {
        var errors = options.Validate(registry.Entities, registry.HasPhaseSource);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
