using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Observability;

/// <summary>Orleans' trace propagation filters wrap every grain call: registered only when traces are exported.</summary>
public sealed class PropagationRegistrationTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("http://collector:4317", true)]
    public void Trace_propagation_filters_are_registered_only_with_an_OTLP_endpoint(string? endpoint, bool expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (endpoint is not null)
        {
            builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        }

        builder.UseOrleans(silo => silo.AddActorsObservability());

        bool Registered(string name) => builder.Services.Any(d => d.ImplementationType?.Name == name);
        Assert.Equal(expected, Registered("ActivityPropagationIncomingGrainCallFilter"));
        Assert.Equal(expected, Registered("ActivityPropagationOutgoingGrainCallFilter"));
        // The correlation scope of grain logs does not depend on it.
        Assert.True(Registered("ObservabilityGrainCallFilter"));
    }
}
