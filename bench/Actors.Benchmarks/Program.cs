using BenchmarkDotNet.Running;

// Pick benchmarks with BenchmarkDotNet's own arguments, e.g. `-- --filter '*News*' --job short`; see README "Performance".
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
