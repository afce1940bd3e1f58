namespace Actors.Nemesis.Tests;

public sealed class NemesisOptionsTests
{
    [Fact]
    public async Task Given_an_unknown_fault_name_when_the_harness_starts_then_it_names_it_and_the_known_ones_and_exits_with_2()
    {
        var error = new StringWriter();

        var exit = await NemesisProgram.MainAsync(["--faults", "kill,meteor"], TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains("Unknown fault 'meteor': the faults are kill, pause, pg-fast, pg-immediate, partition.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_seed_that_is_not_a_number_when_the_harness_starts_then_it_says_so_and_exits_with_2()
    {
        var error = new StringWriter();

        var exit = await NemesisProgram.MainAsync(["--seed", "abc"], TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains("--seed must be a whole number, not 'abc'.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cycles", "0", "--cycles must be between 1 and 100000, not 0.")]
    [InlineData("--max-pause", "90", "--max-pause must be between 5 and 40, not 90.")]
    [InlineData("--colour", "red", "Unknown option '--colour'.")]
    [InlineData("--seed", null, "--seed needs a value.")]
    public void Given_bad_options_when_parsed_then_the_error_says_what_is_wrong(string name, string? value, string expected)
    {
        var (options, error) = NemesisOptions.Parse(value is null ? [name] : [name, value]);

        Assert.Null(options);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_good_options_when_parsed_then_they_are_taken()
    {
        var (options, error) = NemesisOptions.Parse(["--seed", "42", "--cycles", "50", "--faults", "kill, pg-fast", "--run-dir", "/tmp/x"]);

        Assert.Null(error);
        Assert.Equal(42, options!.Seed);
        Assert.Equal(50, options.Cycles);
        Assert.Equal([FaultKind.Kill, FaultKind.PostgresFast], options.Faults);
    }
}
