namespace Actors;

/// <summary>Keys of values that flow with every grain call and stream event through Orleans' RequestContext.</summary>
public static class RequestContextKeys
{
    /// <summary>The id of the client request that started the work (the <c>X-Correlation-Id</c> header, or a new one).</summary>
    public const string CorrelationId = "actors.correlation-id";
}
