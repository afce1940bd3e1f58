namespace Actors.Observability;

/// <summary>Tags that sort health checks into the probes.</summary>
public static class HealthTags
{
    /// <summary>
    /// Checks tagged so decide <c>/health/ready</c>: register one for every dependency a request needs, e.g.
    /// <c>services.AddHealthChecks().AddCheck&lt;MyStoreCheck&gt;("my-store", tags: [HealthTags.Ready])</c>.
    /// <c>/health/live</c> runs no check: it answers as long as the process serves HTTP.
    /// </summary>
    public const string Ready = "ready";
}
