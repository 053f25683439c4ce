namespace DualWrite.MySql.Tests.Unit.Settings;

public sealed class MySqlConnectionStringBuilderTests
{
    private const string Secret = "Pa55-w0rd;with'quote\"é";

    [Fact]
    public void Defaults()
    {
        var b = new MySqlConnectionStringBuilder();

        b.Server.Should().Be("localhost");
        b.Port.Should().Be(3306u);
        b.UserID.Should().BeEmpty();
        b.Password.Should().BeEmpty();
        b.Database.Should().BeEmpty();
        b.SslMode.Should().Be(MySqlSslMode.Preferred);
        b.SslCa.Should().BeEmpty();
        b.ServerRsaPublicKeyFile.Should().BeEmpty();
        b.AllowPublicKeyRetrieval.Should().BeFalse();
        b.ConnectionTimeout.Should().Be(15u);
        b.DefaultCommandTimeout.Should().Be(30u);
        b.Pooling.Should().BeTrue();
        b.MinimumPoolSize.Should().Be(0u);
        b.MaximumPoolSize.Should().Be(100u);
        b.ConnectionIdleTimeout.Should().Be(180u);
        b.ConnectionReset.Should().BeTrue();
        b.ApplicationName.Should().BeEmpty();
        b.ConnectionString.Should().BeEmpty();
        b.Count.Should().Be(0);
    }

    [Theory]
    [InlineData("Server=db1", "db1")]
    [InlineData("Host=db1", "db1")]
    [InlineData("Data Source=db1", "db1")]
    [InlineData("datasource=db1", "db1")]
    [InlineData("ADDRESS=db1", "db1")]
    public void Server_synonyms(string connectionString, string expected) =>
        new MySqlConnectionStringBuilder(connectionString).Server.Should().Be(expected);

    [Theory]
    [InlineData("User ID=u")]
    [InlineData("User Id=u")]
    [InlineData("UserID=u")]
    [InlineData("user_id=u")]
    [InlineData("Uid=u")]
    [InlineData("User=u")]
    [InlineData("Username=u")]
    public void UserId_synonyms(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString).UserID.Should().Be("u");

    [Fact]
    public void Other_synonyms()
    {
        var b = new MySqlConnectionStringBuilder(
            "pwd=p;Initial Catalog=shop;sslmode=VerifyCA;Ssl-Ca=/etc/ca.pem;connect timeout=5;command timeout=0;" +
            "min pool size=2;max pool size=7;server-rsa-public-key-file=/k.pem;allow_public_key_retrieval=yes;" +
            "connection idle timeout=60;connection reset=false;pooling=off;application name=app;port=3307");

        b.Password.Should().Be("p");
        b.Database.Should().Be("shop");
        b.SslMode.Should().Be(MySqlSslMode.VerifyCA);
        b.SslCa.Should().Be("/etc/ca.pem");
        b.ConnectionTimeout.Should().Be(5u);
        b.DefaultCommandTimeout.Should().Be(0u);
        b.MinimumPoolSize.Should().Be(2u);
        b.MaximumPoolSize.Should().Be(7u);
        b.ServerRsaPublicKeyFile.Should().Be("/k.pem");
        b.AllowPublicKeyRetrieval.Should().BeTrue();
        b.ConnectionIdleTimeout.Should().Be(60u);
        b.ConnectionReset.Should().BeFalse();
        b.Pooling.Should().BeFalse();
        b.ApplicationName.Should().Be("app");
        b.Port.Should().Be(3307u);

        new MySqlConnectionStringBuilder("CA Certificate File=/x.pem").SslCa.Should().Be("/x.pem");
        new MySqlConnectionStringBuilder("Connection Timeout=9").ConnectionTimeout.Should().Be(9u);
        new MySqlConnectionStringBuilder("DefaultCommandTimeout=9").DefaultCommandTimeout.Should().Be(9u);
        new MySqlConnectionStringBuilder("MinimumPoolSize=1;MaximumPoolSize=1").MaximumPoolSize.Should().Be(1u);
    }

    [Theory]
    [InlineData("None", MySqlSslMode.None)]
    [InlineData("disabled", MySqlSslMode.None)]
    [InlineData("PREFERRED", MySqlSslMode.Preferred)]
    [InlineData("Required", MySqlSslMode.Required)]
    [InlineData("verify_ca", MySqlSslMode.VerifyCA)]
    [InlineData("VerifyFull", MySqlSslMode.VerifyFull)]
    [InlineData("VERIFY_IDENTITY", MySqlSslMode.VerifyFull)]
    public void SslMode_names(string text, MySqlSslMode expected) =>
        new MySqlConnectionStringBuilder("SSL Mode=" + text).SslMode.Should().Be(expected);

    [Fact]
    public void Keys_are_stored_under_canonical_names()
    {
        var b = new MySqlConnectionStringBuilder("host=h;uid=u;pwd=p;initial catalog=d");

        b.ConnectionString.Should().Be("Server=h;User ID=u;Password=p;Database=d");
        b.ContainsKey("Data Source").Should().BeTrue();
        b.ContainsKey("Port").Should().BeFalse();
        b.ContainsKey("Nonsense").Should().BeFalse();
        b["HOST"].Should().Be("h");
        b["port"].Should().Be(3306u);
        b.TryGetValue("Nonsense", out _).Should().BeFalse();
    }

    [Fact]
    public void Round_trip_through_connection_string()
    {
        var original = new MySqlConnectionStringBuilder
        {
            Server = "db.example.com",
            Port = 3307,
            UserID = "app user",
            Password = Secret,
            Database = "shop",
            SslMode = MySqlSslMode.VerifyFull,
            SslCa = "/etc/ssl/ca bundle.pem",
            ServerRsaPublicKeyFile = "/k.pem",
            AllowPublicKeyRetrieval = true,
            ConnectionTimeout = 3,
            DefaultCommandTimeout = 0,
            Pooling = false,
            MinimumPoolSize = 1,
            MaximumPoolSize = 5,
            ConnectionIdleTimeout = 10,
            ConnectionReset = false,
            ApplicationName = "dual;write",
        };

        var copy = new MySqlConnectionStringBuilder(original.ConnectionString);

        copy.Password.Should().Be(Secret);
        copy.EquivalentTo(original).Should().BeTrue();
        copy.ConnectionString.Should().Be(original.ConnectionString);
        copy.ApplicationName.Should().Be("dual;write");
        copy.SslMode.Should().Be(MySqlSslMode.VerifyFull);
        copy.Port.Should().Be(3307u);
    }

    [Fact]
    public void Setting_null_or_removing_restores_default()
    {
        var b = new MySqlConnectionStringBuilder("Server=x;Port=1");
        b.Server = null;
        b.Remove("port").Should().BeTrue();

        b.Server.Should().Be("localhost");
        b.Port.Should().Be(3306u);
        b.Count.Should().Be(0);
    }

    [Theory]
    [InlineData("Server=x;Foo=1", "Foo")]
    [InlineData("Foo=", "Foo")]
    [InlineData("Server=x;Sever Name=1", "Sever Name")]
    public void Unknown_key_is_named_in_the_error(string connectionString, string key)
    {
        var act = () => new MySqlConnectionStringBuilder(connectionString);

        var ex = act.Should().Throw<ArgumentException>().Which;
        // The framework's parser lower-cases keys before they reach the builder.
        ex.Message.Should().ContainEquivalentOf($"Unknown connection string key '{key}'.");
        ex.Message.Should().Contain("Server").And.Contain("Maximum Pool Size").And.Contain("Application Name");
    }

    [Fact]
    public void Unknown_key_through_indexer_keeps_its_spelling()
    {
        var b = new MySqlConnectionStringBuilder();

        var set = () => b["Foo"] = "1";
        set.Should().Throw<ArgumentException>().WithMessage("Unknown connection string key 'Foo'.*");
        var get = () => b["Foo"];
        get.Should().Throw<ArgumentException>().WithMessage("Unknown connection string key 'Foo'.*");
        var remove = () => b.Remove("Foo");
        remove.Should().Throw<ArgumentException>().WithMessage("Unknown connection string key 'Foo'.*");
    }

    [Theory]
    [InlineData("Port=abc", "Port")]
    [InlineData("Port=-1", "Port")]
    [InlineData("Port=0", "Port")]
    [InlineData("Port=65536", "Port")]
    [InlineData("Port=33.06", "Port")]
    [InlineData("Max Pool Size=0", "Maximum Pool Size")]
    [InlineData("Min Pool Size=x", "Minimum Pool Size")]
    [InlineData("SslMode=Sometimes", "SSL Mode")]
    [InlineData("SslMode=3", "SSL Mode")]
    [InlineData("Pooling=maybe", "Pooling")]
    [InlineData("Connect Timeout=99999999", "Connection Timeout")]
    [InlineData("Command Timeout=1.5", "Default Command Timeout")]
    public void Bad_value_names_the_key(string connectionString, string key)
    {
        var act = () => new MySqlConnectionStringBuilder("Password=" + QuotedSecret + ";" + connectionString);

        var ex = act.Should().Throw<ArgumentException>().Which;
        ex.Message.Should().StartWith($"Invalid value for connection string key '{key}': ");
        ex.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public void Bad_typed_values_throw()
    {
        var b = new MySqlConnectionStringBuilder();

        var sslMode = () => b.SslMode = (MySqlSslMode)42;
        sslMode.Should().Throw<ArgumentException>().WithMessage("*'SSL Mode'*");
        var maxPool = () => b.MaximumPoolSize = 0;
        maxPool.Should().Throw<ArgumentException>().WithMessage("*'Maximum Pool Size'*");
        var port = () => b["Port"] = 70000;
        port.Should().Throw<ArgumentException>().WithMessage("*'Port'*");

        b["Port"] = 3310;
        b.Port.Should().Be(3310u);
    }

    [Fact]
    public void Failed_parse_leaves_the_previous_values()
    {
        var b = new MySqlConnectionStringBuilder("Server=a;Port=1");

        var act = () => b.ConnectionString = "Server=b;Port=nope";

        act.Should().Throw<ArgumentException>();
        b.Server.Should().Be("a");
        b.Port.Should().Be(1u);
    }

    [Fact]
    public void ToString_redacts_the_password_but_ConnectionString_keeps_it()
    {
        var b = new MySqlConnectionStringBuilder { Server = "h", UserID = "u", Password = Secret };

        b.ToString().Should().Be("Server=h;User ID=u;Password=***");
        b.ToString().Should().NotContain(Secret);
        new MySqlConnectionStringBuilder(b.ConnectionString).Password.Should().Be(Secret);
        $"{b}".Should().NotContain(Secret);
    }

    [Fact]
    public void ToString_without_password_has_no_password_key()
    {
        new MySqlConnectionStringBuilder("Server=h").ToString().Should().Be("Server=h");
    }

    [Fact]
    public void Password_keeps_surrounding_spaces_when_quoted()
    {
        new MySqlConnectionStringBuilder("Password=' p w '").Password.Should().Be(" p w ");
    }

    [Fact]
    public void Malformed_connection_string_error_does_not_contain_password()
    {
        // An unquoted ';' splits the password; the parser's complaint must not quote the fragments.
        var act = () => new MySqlConnectionStringBuilder("Server=h;Password=Pa55;w0rd");

        act.Should().Throw<ArgumentException>().Which.ToString().Should().NotContain("w0rd");
    }

    private static string QuotedSecret => "\"" + Secret.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
