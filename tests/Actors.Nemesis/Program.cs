using Actors.Nemesis;

// The nemesis harness (README "Faults, proven"). Exit code 0: no anomaly; 1: anomalies; 2: bad command line.
return await NemesisProgram.MainAsync(args, Console.Out, Console.Error);
