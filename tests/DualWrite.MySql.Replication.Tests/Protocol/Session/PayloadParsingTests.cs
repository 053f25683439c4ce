using DualWrite.MySql.Replication.Protocol;
using DualWrite.MySql.Replication.Protocol.Payloads;
using DualWrite.MySql.Replication.Protocol.Serialization;

namespace DualWrite.MySql.Replication.Tests.Protocol.Session;

public sealed class PayloadParsingTests
{
    // The first packet MariaDB 10.11.19 sent to a client (recorded from the local test server).
    private static readonly byte[] MariaDbHandshake = Convert.FromHexString(
        "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f67000800000078295e2125367d3600feff2d0200ff81150000000000001d000000333d78677a4f5c604e475862006d7973716c5f6e61746976655f70617373776f726400");

    [Fact]
    public void InitialHandshake_RecordedMariaDb_ParsesVersionNonceAndExtendedCapabilities()
    {
        var handshake = InitialHandshakePayload.Parse(MariaDbHandshake);

        handshake.ServerVersion.Should().Be("10.11.19-MariaDB-0+deb12u1-log");
        handshake.IsMariaDb.Should().BeTrue();
        handshake.ConnectionId.Should().Be(8);
        handshake.AuthPluginName.Should().Be("mysql_native_password");
        handshake.AuthPluginData.Should().HaveCount(20);
        handshake.AuthPluginData.Should().Equal(Convert.FromHexString("78295e2125367d36" + "333d78677a4f5c604e475862"));
        handshake.Capabilities.Should().HaveFlag(ProtocolCapabilities.Protocol41).And.HaveFlag(ProtocolCapabilities.Ssl)
            .And.HaveFlag(ProtocolCapabilities.PluginAuth).And.HaveFlag(ProtocolCapabilities.DeprecateEof);
        handshake.Capabilities.Should().NotHaveFlag(ProtocolCapabilities.LongPassword, "MariaDB clears CLIENT_MYSQL to announce extended capabilities");
        handshake.Capabilities.Should().HaveFlag(ProtocolCapabilities.MariaDbExtendedTypeInfo);
        handshake.Status.Should().HaveFlag(ServerStatus.AutoCommit);
    }

    [Fact]
    public void InitialHandshake_ErrorInsteadOfHandshake_ThrowsConnectionFailedWithServerMessage()
    {
        byte[] payload = [0xFF, 0x10, 0x04, .. "Too many connections"u8];

        var act = () => InitialHandshakePayload.Parse(payload);

        var error = act.Should().Throw<BinlogException>().Which;
        error.Number.Should().Be(1040);
        error.Kind.Should().Be(BinlogErrorKind.ConnectionFailed);
        error.Message.Should().Be("Too many connections");
    }

    [Fact]
    public void InitialHandshake_Truncated_ThrowsProtocolError()
    {
        var act = () => InitialHandshakePayload.Parse(MariaDbHandshake.AsSpan(0, 40).ToArray());

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.Protocol);
    }

    [Fact]
    public void Error_WithSqlState_CarriesNumberStateAndMessage()
    {
        byte[] payload = [0xFF, 0x7A, 0x04, .. "#42S02Table 'shop.nope' doesn't exist"u8];

        var error = ErrorPayload.Parse(payload).ToException();

        error.Number.Should().Be(1146);
        error.SqlState.Should().Be("42S02");
        error.Message.Should().Be("Table 'shop.nope' doesn't exist");
        error.Kind.Should().Be(BinlogErrorKind.Server);
    }

    [Theory]
    [InlineData(1045, BinlogErrorKind.Authentication)]
    [InlineData(1698, BinlogErrorKind.Authentication)]
    [InlineData(1040, BinlogErrorKind.ConnectionFailed)]
    [InlineData(1064, BinlogErrorKind.Server)]
    public void Error_Number_ClassifiesKind(int number, BinlogErrorKind kind)
    {
        byte[] payload = [0xFF, (byte)number, (byte)(number >> 8), .. "#HY000x"u8];

        ErrorPayload.Parse(payload).ToException().Kind.Should().Be(kind);
    }

    [Fact]
    public void Ok_WithLengthEncodedCounts_ParsesAffectedRowsInsertIdAndStatus()
    {
        byte[] payload = [0x00, 0xFC, 0x10, 0x27, 0xFD, 0x40, 0x42, 0x0F, 0x0A, 0x02, 0x01, 0x00];

        var ok = OkPayload.Parse(payload);

        ok.AffectedRows.Should().Be(10000);
        ok.LastInsertId.Should().Be(0x0F4240);
        ok.Status.Should().Be(ServerStatus.AutoCommit | ServerStatus.MoreResultsExist | ServerStatus.NoBackslashEscapes);
        ok.Warnings.Should().Be(1);
    }

    [Fact]
    public void Eof_Classic_ParsesWarningsAndStatus()
    {
        byte[] payload = [0xFE, 0x03, 0x00, 0x82, 0x00];

        var eof = OkPayload.ParseEof(payload);

        eof.Warnings.Should().Be(3);
        eof.Status.Should().Be(ServerStatus.AutoCommit | ServerStatus.LastRowSent);
        OkPayload.IsEndOfRows(payload).Should().BeTrue();
    }

    [Fact]
    public void EndOfRows_RowStartingWith0xFE_IsNotMistakenForEof()
    {
        // A row whose first value has an 8-byte length prefix is at least 16 MiB long: the first packet is full size.
        var row = new byte[PacketTransport.MaxPacketPayload];
        row[0] = 0xFE;

        OkPayload.IsEndOfRows(row).Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0xFA }, 250UL)]
    [InlineData(new byte[] { 0xFC, 0xFB, 0x00 }, 251UL)]
    [InlineData(new byte[] { 0xFD, 0x00, 0x00, 0x01 }, 65536UL)]
    [InlineData(new byte[] { 0xFE, 1, 0, 0, 0, 0, 0, 0, 0x80 }, 0x8000000000000001UL)]
    public void LengthEncodedInteger_AllWidths(byte[] bytes, ulong expected)
    {
        var reader = new PayloadReader(bytes);

        reader.ReadLengthEncodedInteger().Should().Be(expected);
        reader.Remaining.Should().Be(0);
    }

    [Fact]
    public void LengthEncodedInteger_NullMarker_IsProtocolError()
    {
        var act = () => new PayloadReader([0xFB]).ReadLengthEncodedInteger();

        act.Should().Throw<BinlogException>().Which.Kind.Should().Be(BinlogErrorKind.Protocol);
    }

    [Theory]
    [InlineData(250UL)]
    [InlineData(251UL)]
    [InlineData(65535UL)]
    [InlineData(65536UL)]
    [InlineData(16777215UL)]
    [InlineData(16777216UL)]
    [InlineData(ulong.MaxValue)]
    public void LengthEncodedInteger_WriteThenRead_RoundTrips(ulong value)
    {
        var writer = new PayloadWriter();
        writer.WriteLengthEncodedInteger(value);

        new PayloadReader(writer.Payload).ReadLengthEncodedInteger().Should().Be(value);
    }
}
