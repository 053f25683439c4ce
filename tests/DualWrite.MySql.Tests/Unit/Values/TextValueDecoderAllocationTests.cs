using DualWrite.MySql.Replication.Protocol.Text;
using static DualWrite.MySql.Tests.Unit.Values.Columns;

namespace DualWrite.MySql.Tests.Unit.Values;

public class TextValueDecoderAllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action(); // warm up so JIT and static initialisation are not counted
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TypedAccessors_DoNotAllocate()
    {
        var bigint = Of(MySqlColumnType.LongLong);
        var money = Decimal(18, 4);
        var datetime = Of(MySqlColumnType.DateTime, decimals: 6);
        var time = Of(MySqlColumnType.Time);
        var dbl = Of(MySqlColumnType.Double);
        var integer = Ascii("-9223372036854775808");
        var amount = Ascii("12345678901234.5678");
        var moment = Ascii("2024-05-06 07:08:09.123456");
        var span = Ascii("-838:59:59.5");
        var real = Ascii("1.2345e-7");

        AllocatedBy(() =>
        {
            TextValueDecoder.ParseInt64(integer, bigint);
            TextValueDecoder.ParseDecimal(amount, money);
            TextValueDecoder.ParseDateTime(moment, datetime);
            TextValueDecoder.ParseTime(span, time);
            TextValueDecoder.ParseDouble(real, dbl);
        }).Should().Be(0);
    }

    [Fact]
    public void Decode_Int_AllocatesOnlyTheBox()
    {
        var column = Of(MySqlColumnType.Long);
        var value = Ascii("123456");
        AllocatedBy(() => TextValueDecoder.Decode(value, column)).Should().BeLessThanOrEqualTo(100 * 24);
    }
}
