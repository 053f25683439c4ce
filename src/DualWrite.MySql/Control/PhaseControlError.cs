namespace DualWrite.MySql.Control;

/// <summary>Why a phase control operation could not be carried out.</summary>
public enum PhaseControlError
{
    /// <summary>The entity has no row in the phase table; initialize it first.</summary>
    NotInitialized = 0,

    /// <summary>Another change committed between reading the phase and writing the new one; nothing was written.</summary>
    Conflict = 1,

    /// <summary>A control table holds a value that is not a phase or kind (edited by hand); the message names it.</summary>
    InvalidStoredValue = 2,
}
