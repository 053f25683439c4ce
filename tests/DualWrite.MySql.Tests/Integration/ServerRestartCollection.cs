namespace DualWrite.MySql.Tests.Integration;

/// <summary>Tests that stop or restart the shared server run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerRestartCollection
{
    public const string Name = "server restarts";
}
