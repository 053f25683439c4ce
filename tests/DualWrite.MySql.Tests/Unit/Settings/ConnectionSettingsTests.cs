using DualWrite.MySql.Replication.Session;

namespace DualWrite.MySql.Tests.Unit.Settings;

public sealed class ConnectionSettingsTests
{
    private const string Secret = "t0p-Secret!é";

    [Fact]
    public void Defaults()
    {
        var s = ConnectionSettings.Parse("");

        s.Server.Should().Be("localhost");
        s.Port.Should().Be(3306);
        s.UserId.Should().BeEmpty();
        s.Password.Should().BeEmpty();
        s.Database.Should().BeNull();
        s.SslMode.Should().Be(MySqlSslMode.Preferred);
        s.SslCa.Should().BeNull();
        s.ServerRsaPublicKeyFile.Should().BeNull();
        s.AllowPublicKeyRetrieval.Should().BeFalse();
        s.ConnectionTimeout.Should().Be(TimeSpan.FromSeconds(15));
        s.ConnectionTimeoutSeconds.Should().Be(15);
        s.DefaultCommandTimeout.Should().Be(TimeSpan.FromSeconds(30));
        s.DefaultCommandTimeoutSeconds.Should().Be(30);
        s.Pooling.Should().BeTrue();
        s.MinimumPoolSize.Should().Be(0);
        s.MaximumPoolSize.Should().Be(100);
        s.ConnectionIdleTimeout.Should().Be(TimeSpan.FromSeconds(180));
        s.ConnectionReset.Should().BeTrue();
        s.ApplicationName.Should().BeNull();
    }

    [Fact]
    public void Values_are_carried_over()
    {
        var s = ConnectionSettings.Parse(
            $"Host=db;Port=3307;Uid=u;Pwd={Secret};Database=shop;SslMode=VerifyFull;SslCa=/ca.pem;" +
            "ServerRsaPublicKeyFile=/k.pem;AllowPublicKeyRetrieval=true;Connect Timeout=4;Command Timeout=9;" +
            "Pooling=false;Min Pool Size=3;Max Pool Size=3;ConnectionIdleTimeout=11;ConnectionReset=false;ApplicationName=dw");

        s.Server.Should().Be("db");
        s.Port.Should().Be(3307);
        s.UserId.Should().Be("u");
        s.Password.Should().Be(Secret);
        s.Database.Should().Be("shop");
        s.SslMode.Should().Be(MySqlSslMode.VerifyFull);
        s.SslCa.Should().Be("/ca.pem");
        s.ServerRsaPublicKeyFile.Should().Be("/k.pem");
        s.AllowPublicKeyRetrieval.Should().BeTrue();
        s.ConnectionTimeout.Should().Be(TimeSpan.FromSeconds(4));
        s.DefaultCommandTimeout.Should().Be(TimeSpan.FromSeconds(9));
        s.Pooling.Should().BeFalse();
        s.MinimumPoolSize.Should().Be(3);
        s.MaximumPoolSize.Should().Be(3);
        s.ConnectionIdleTimeout.Should().Be(TimeSpan.FromSeconds(11));
        s.ConnectionReset.Should().BeFalse();
        s.ApplicationName.Should().Be("dw");
    }

    [Fact]
    public void Zero_timeouts_mean_no_limit()
    {
        var s = ConnectionSettings.Parse("Connection Timeout=0;Default Command Timeout=0;Connection Idle Timeout=0");

        s.ConnectionTimeout.Should().Be(Timeout.InfiniteTimeSpan);
        s.ConnectionTimeoutSeconds.Should().Be(0);
        s.DefaultCommandTimeout.Should().Be(Timeout.InfiniteTimeSpan);
        s.DefaultCommandTimeoutSeconds.Should().Be(0);
        s.ConnectionIdleTimeout.Should().Be(Timeout.InfiniteTimeSpan);
    }

    [Fact]
    public void Largest_timeout_still_fits_cancel_after()
    {
        var s = ConnectionSettings.Parse("Command Timeout=2147483");

        using var cts = new CancellationTokenSource();
        var act = () => cts.CancelAfter(s.DefaultCommandTimeout);
        act.Should().NotThrow();
    }

    [Fact]
    public void Minimum_pool_size_above_maximum_is_rejected()
    {
        var act = () => ConnectionSettings.Parse($"Password={Secret};Min Pool Size=20;Max Pool Size=10");

        var ex = act.Should().Throw<ArgumentException>().Which;
        ex.Message.Should().Contain("'Minimum Pool Size'").And.Contain("'Maximum Pool Size'");
        ex.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public void Minimum_pool_size_above_default_maximum_is_rejected()
    {
        var act = () => ConnectionSettings.Parse("Min Pool Size=101");

        act.Should().Throw<ArgumentException>().WithMessage("*'Minimum Pool Size'*");
    }

    [Fact]
    public void Blank_server_is_rejected()
    {
        var act = () => ConnectionSettings.Parse("Server=' '");

        act.Should().Throw<ArgumentException>().WithMessage("*'Server'*");
    }

    [Theory]
    [InlineData("Port=x")]
    [InlineData("Max Pool Size=0")]
    [InlineData("SslMode=Strict")]
    [InlineData("Bogus=1")]
    public void Invalid_strings_throw_ArgumentException_without_password(string tail)
    {
        var act = () => ConnectionSettings.Parse($"Password={Secret};{tail}");

        act.Should().Throw<ArgumentException>().Which.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public void Equivalent_strings_share_a_pool_key()
    {
        var a = ConnectionSettings.Parse($"Server=db;User ID=u;Password={Secret}");
        var b = ConnectionSettings.Parse($"host=db; uid=u; pwd={Secret}; port=3306; pooling=yes; sslmode=preferred");
        var c = ConnectionSettings.Parse($"Server=db;User ID=u;Password={Secret};Database=other");

        a.ConnectionStringForPoolKey.Should().Be(b.ConnectionStringForPoolKey);
        a.ConnectionStringForPoolKey.Should().NotBe(c.ConnectionStringForPoolKey);
        ConnectionSettings.Parse("Password=other").ConnectionStringForPoolKey
            .Should().NotBe(ConnectionSettings.Parse("Password=another").ConnectionStringForPoolKey);
    }

    [Fact]
    public void Pool_key_lists_every_setting_and_parses_back()
    {
        var s = ConnectionSettings.Parse($"Server=db;Password={Secret}");

        s.ConnectionStringForPoolKey.Should().StartWith("Server=db;Port=3306;User ID=;Password=");
        s.ConnectionStringForPoolKey.Should().Contain("Maximum Pool Size=100");
        ConnectionSettings.Parse(s.ConnectionStringForPoolKey).Password.Should().Be(Secret);
    }

    [Fact]
    public void ToString_is_redacted()
    {
        var s = ConnectionSettings.Parse($"Server=db;User ID=u;Password={Secret}");

        s.ToString().Should().NotContain(Secret);
        s.ToString().Should().Contain("Password=***").And.Contain("Server=db").And.Contain("User ID=u");
    }

    [Fact]
    public void FromBuilder_captures_a_snapshot()
    {
        var builder = new MySqlConnectionStringBuilder { Server = "one" };
        var s = ConnectionSettings.FromBuilder(builder);
        builder.Server = "two";

        s.Server.Should().Be("one");
    }
}
