namespace DualWrite.Core.Phases;

/// <summary>Helpers for <see cref="StoreRole"/>.</summary>
public static class StoreRoleExtensions
{
    /// <summary>The other store.</summary>
    public static StoreRole Other(this StoreRole role) => role == StoreRole.Old ? StoreRole.New : StoreRole.Old;
}
