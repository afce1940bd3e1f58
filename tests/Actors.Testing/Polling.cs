using Xunit;

namespace Actors.Testing;

/// <summary>Waiting for what becomes true later (read models fed by streams, a reminder that fires), in every test project.</summary>
public static class Polling
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 10 ms until it holds; fails naming <paramref name="what"/> after
    /// <paramref name="timeoutSeconds"/>. The wait ends as soon as the condition holds: no fixed sleep.
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what = "the condition holds", int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }
}
