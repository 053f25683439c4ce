namespace DualWrite.Core.Phases;

/// <summary>Which of the two stores in a migration is meant.</summary>
public enum StoreRole
{
    /// <summary>The store being migrated away from (MySQL).</summary>
    Old = 0,

    /// <summary>The store being migrated to.</summary>
    New = 1,
}
