using Xunit;

namespace Actors.Testing;

/// <summary>Waiting for what becomes true later (read models fed by streams, a reminder that fires), in every test project.</summary>
public static class Polling
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 10 ms until it holds; fails naming <paramref name="what"/> after
    /// <paramref name="timeoutSeconds"/>. The wait ends as soon as the condition holds: no fixed sleep.
    /// </summary>
    public static Task Eventually(Func<Task<bool>> condition, string what = "the condition holds", int timeoutSeconds = 20) =>
        Eventually(condition, what, TimeSpan.FromSeconds(timeoutSeconds));

    /// <inheritdoc cref="Eventually(Func{Task{bool}}, string, int)"/>
    public static Task Eventually(Func<Task<bool>> condition, string what, TimeSpan timeout) =>
        Eventually(condition, held => held, what, timeout);

    /// <summary>As the asynchronous condition, for one read from memory (a counter a load generator keeps).</summary>
    public static Task Eventually(Func<bool> condition, string what, TimeSpan timeout) =>
        Eventually(() => Task.FromResult(condition()), what, timeout);

    /// <summary>
    /// Reads every 10 ms until <paramref name="done"/> holds for what was read, and returns that; fails naming
    /// <paramref name="what"/> after <paramref name="timeout"/>. The one polling loop all the overloads share.
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout} waiting until {what}.");
            await Task.Delay(10);
        }
    }
}
