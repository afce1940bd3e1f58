using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.News;

public static class NewsSiloBuilderExtensions
{
    /// <summary>The news slice: its settings (the <c>News</c> configuration section, every Lamernews constant).</summary>
    public static ISiloBuilder AddNews(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<NewsOptions>().Bind(silo.Configuration.GetSection("News"));
        return silo;
    }
}
