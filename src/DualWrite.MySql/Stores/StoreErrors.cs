using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>Turns the server errors that mean "this table is not set up" into a <see cref="MySqlStoreException"/> naming the table.</summary>
internal static class StoreErrors
{
    /// <returns>The exception to throw instead, or null to rethrow <paramref name="error"/> as it is.</returns>
    public static MySqlStoreException? Translate(Exception error, string table, string setup)
    {
        if (error is not MySqlException server)
        {
            return null;
        }

        return server.Number switch
        {
            MySqlErrors.NoSuchTable or MySqlErrors.UnknownDatabase => new MySqlStoreException(
                MySqlStoreErrorKind.TableMissing, table, $"Table '{table}' (or its side table) does not exist: {server.Message} {setup}", server),
            MySqlErrors.UnknownColumn => new MySqlStoreException(
                MySqlStoreErrorKind.SchemaMismatch, table, $"Table '{table}' lacks a column the mapping names: {server.Message} {setup}", server),
            _ => null,
        };
    }
}
