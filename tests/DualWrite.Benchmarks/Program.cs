using DualWrite.Benchmarks;

return args.FirstOrDefault() switch
{
    "read" => await ReadBenchmark.RunAsync(args[1..]),
    "binlog" => await BinlogBenchmark.RunAsync(args[1..]),
    "fuzz-binlog" => BinlogFuzz.Run(args[1..]),
    "decorator" => DecoratorBenchmark.Run(args[1..]),
    "backfill" => await BackfillBenchmark.RunAsync(args[1..]),
    "reconcile" => await ReconcileBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/DualWrite.Benchmarks -- read [--rows N] [--runs N]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/DualWrite.Benchmarks -- binlog [--time S] [--runs N]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/DualWrite.Benchmarks -- decorator [BenchmarkDotNet arguments, e.g. --job short]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/DualWrite.Benchmarks -- backfill [--rows N] [--catch-up [--time S]]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/DualWrite.Benchmarks -- reconcile [--rows N] [--runs N] [--differing PERCENT]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/DualWrite.Benchmarks -- fuzz-binlog [--iterations N] [--seed S] [--envelope]");
    return 2;
}
