namespace DualWrite.MySql.Replication.Protocol;

/// <summary>Command bytes of the text protocol.</summary>
/// <remarks>https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html</remarks>
internal static class CommandCodes
{
    public const byte Quit = 0x01;
    public const byte InitDb = 0x02;
    public const byte Query = 0x03;
    public const byte Ping = 0x0E;
    public const byte BinlogDump = 0x12;
    public const byte RegisterSlave = 0x15;
    public const byte BinlogDumpGtid = 0x1E;
    public const byte ResetConnection = 0x1F;
}
