namespace Actors.Hosting;

/// <summary>
/// The clock of domain decisions (event times, karma ticks, edit windows), registered as a keyed
/// <see cref="TimeProvider"/> under <see cref="Key"/>; inject it with <c>[FromKeyedServices(DomainClock.Key)]</c>.
/// It is kept apart from the unkeyed TimeProvider because Orleans itself reads that one (membership heartbeats):
/// a test that moves a shared manual clock by an hour makes the silo believe it missed its heartbeats, declare
/// itself dead and fail the process. Tests replace only this keyed clock.
/// </summary>
public static class DomainClock
{
    public const string Key = "actors.domain-clock";
}
