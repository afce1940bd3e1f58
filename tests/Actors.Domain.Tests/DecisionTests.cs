namespace Actors.Tests;

public class DecisionTests
{
    [Fact]
    public void A_rejection_carries_no_events()
    {
        Decision<string> decision = new Rejection("rule", "No.");

        Assert.True(decision.IsRejected);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void An_already_satisfied_command_is_neither_rejected_nor_eventful()
    {
        var decision = Decision<string>.AlreadyDone;

        Assert.False(decision.IsRejected);
        Assert.Empty(decision.Events);
    }
}
