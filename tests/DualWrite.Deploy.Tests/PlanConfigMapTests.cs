using DualWrite.Migration.Plans;

namespace DualWrite.Deploy.Tests;

/// <summary>The plan the ConfigMap carries is a plan the product reads, with its passwords from the environment.</summary>
public sealed class PlanConfigMapTests
{
    [Fact]
    public void ThePlan_ParsesWithTheProductsPlanParser()
    {
        var (key, text) = Manifests.Render(Repository.Base).Plan();

        var plan = PlanLoader.Parse(text, key);

        plan.Entities.Should().NotBeEmpty();
        key.Should().Be("plan.yaml");
    }

    [Fact]
    public void ThePlan_NamesPasswordVariables_AndHoldsNoConnectionString()
    {
        var plan = Deployment.Plan();

        foreach (var side in new[] { plan.Source, plan.Target })
        {
            side.PasswordEnv.Should().NotBeNullOrEmpty();
            side.ConnectionStringEnv.Should().BeNull();
        }
    }

    [Fact]
    public void AMisspelledPlan_IsRefusedByTheSameParser()
    {
        var (key, text) = Manifests.Render(Repository.Base).Plan();

        var parse = () => PlanLoader.Parse(text.Replace("passwordEnv:", "paswordEnv:", StringComparison.Ordinal), key);

        parse.Should().Throw<PlanException>().Which.Problems.Should().Contain(p => p.Message.Contains("unknown key `paswordEnv`", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePlanIsTheBasesFile_MountedUnderTheNameTheCommandsUse()
    {
        var (key, text) = Manifests.Render(Repository.StatusWait).Plan();

        text.Should().Be(File.ReadAllText(Path.Combine(Repository.Base, key)));
    }
}
