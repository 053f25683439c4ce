using System.Data;
using System.Data.Common;

namespace DualWrite.MySql.Tests.Integration;

/// <summary>Code written against the System.Data.Common abstractions, synchronously, works unchanged.</summary>
public sealed class SyncApiTests
{
    [Fact]
    public void DbProviderShapes_SyncCalls_ReadAndWrite()
    {
        MariaDbServer.EnsureReachable();
        using DbDataSource dataSource = new MySqlDataSource(MariaDbServer.ConnectionString());
        using var connection = dataSource.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ? + 1 AS n, 'é' AS s UNION ALL SELECT ? + 1, NULL";
        var first = command.CreateParameter();
        first.Value = 41;
        command.Parameters.Add(first);
        var second = command.CreateParameter();
        second.Value = 99;
        command.Parameters.Add(second);

        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        reader.GetInt64(reader.GetOrdinal("N")).Should().Be(42);
        reader.GetString(1).Should().Be("é");
        reader.Read().Should().BeTrue();
        reader.GetInt64(0).Should().Be(100);
        reader.IsDBNull(1).Should().BeTrue();
        reader.Read().Should().BeFalse();
        connection.State.Should().Be(ConnectionState.Open);
    }

    [Fact]
    public void Transaction_SyncCommitAndScalar()
    {
        MariaDbServer.EnsureReachable();
        using var connection = new MySqlConnection(MariaDbServer.ConnectionString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = new MySqlCommand("SELECT @@in_transaction", connection, (MySqlTransaction)transaction);

        Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(1);
        transaction.Commit();
        Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(0);
    }
}
