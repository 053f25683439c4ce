namespace DualWrite.PostgreSql.Tables;

/// <summary>A mapped column of a <see cref="VersionedTable"/>.</summary>
/// <param name="Name">The column's name as the server stores it.</param>
/// <param name="TravelsAsText">
/// Its values are sent as text and cast to the column's type by the server: for values no CLR type Npgsql writes can
/// hold exactly (a <c>numeric</c> beyond <see cref="decimal"/>).
/// </param>
public sealed record VersionedColumn(string Name, bool TravelsAsText = false);
