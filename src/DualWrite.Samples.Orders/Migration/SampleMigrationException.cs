namespace DualWrite.Samples.Orders.Migration;

/// <summary>The sample migration could not go on: a move was refused, or the application never saw a flip.</summary>
public sealed class SampleMigrationException(string message) : Exception(message);
