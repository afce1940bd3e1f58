using Actors.News;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Actors.Flows;

public static class FlowsSiloBuilderExtensions
{
    /// <summary>
    /// The windowed views (section <c>Trending</c>), checked at start: settings that make no windows stop the silo with
    /// the sentence of <see cref="TrendingOptions.Problem"/>. With <c>Trending:Enabled=false</c> their grains are not
    /// registered at all: no implicit subscription, so no delivery and no state.
    /// </summary>
    public static ISiloBuilder AddFlows(this ISiloBuilder silo)
    {
        silo.Services.AddTrendingOptions(silo.Configuration);
        if (!silo.Configuration.GetSection(TrendingOptions.Section).GetValue(nameof(TrendingOptions.Enabled), true))
        {
            silo.Services.PostConfigure<GrainTypeOptions>(o =>
            {
                o.Classes.Remove(typeof(WindowShardGrain));
                o.Classes.Remove(typeof(WindowViewGrain));
            });
        }

        return silo;
    }

    /// <summary>The <c>Trending</c> section, checked here (the host is not even built with bad windows) and when it starts.</summary>
    public static IServiceCollection AddTrendingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        // Checked now, not only when the host starts: there the failure raced the co-hosted silo's start, and the
        // sentence could be lost behind a disposed-object error from a half-started host.
        var configured = configuration.GetSection(TrendingOptions.Section).Get<TrendingOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
            ?? new TrendingOptions();
        if (configured.Problem() is { } problem)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(TrendingOptions.Section, typeof(TrendingOptions), [problem]);
        }

        services.AddOptions<TrendingOptions>()
            // A misspelt setting (Trending:WindowMinutes) is an error at start, not a silent default.
            .Bind(configuration.GetSection(TrendingOptions.Section), binder => binder.ErrorOnUnknownConfiguration = true)
            .Validate(o => o.Problem() is null, "invalid")
            .ValidateOnStart();
        // The sentence itself, rather than the generic failure above.
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TrendingOptions>, TrendingOptionsValidation>();
        return services;
    }

    private sealed class TrendingOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<TrendingOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, TrendingOptions options) =>
            options.Problem() is { } problem
                ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
                : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
