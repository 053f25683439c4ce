using DualWrite.Benchmarks;

return args.FirstOrDefault() switch
{
    "read" => await ReadBenchmark.RunAsync(args[1..]),
    "binlog" => await BinlogBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/DualWrite.Benchmarks -- read [--rows N] [--runs N] | binlog [--time S] [--runs N]");
    return 2;
}
