using Actors.Flows;

namespace Actors.Gateway.News;

public static class NewsServiceExtensions
{
    /// <summary>The news routes' own services: the top and latest pages shared by their readers (<see cref="NewsPageCache"/>).</summary>
    public static WebApplicationBuilder AddNews(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NewsPageCache>();
        builder.Services.AddSingleton<ReadYourWrites.HeldTokens>();
        builder.Services.AddSingleton<ReadYourWrites.Waits>();
        builder.Services.AddOptions<Lamernews.LamernewsOptions>().Bind(builder.Configuration.GetSection(Lamernews.LamernewsOptions.Section));
        builder.Services.AddTrendingOptions(builder.Configuration); // Trending: checked at start (bad windows: a sentence, no start)
        builder.Services.AddSingleton<TrendingReader>();
        return builder;
    }
}
