namespace Actors.Nemesis;

public static class NemesisProgram
{
    public static async Task<int> MainAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (options, problem) = NemesisOptions.Parse(args);
        if (options is null)
        {
            await error.WriteLineAsync(problem);
            return 2;
        }

        var report = await NemesisRun.RunAsync(options, output);
        return report.Anomalies == 0 ? 0 : 1;
    }
}
