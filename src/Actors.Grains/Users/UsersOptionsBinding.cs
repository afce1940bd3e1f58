using Actors.News;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Users;

public static class UsersOptionsBinding
{
    /// <summary>
    /// Binds the <c>News</c> section (every Lamernews constant) to <see cref="NewsOptions"/> and <c>Users</c> to
    /// <see cref="UsersOptions"/>. Grains read both; call it on every host that runs a silo or the gateway.
    /// </summary>
    public static IServiceCollection AddNewsAndUsersOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NewsOptions>().Bind(configuration.GetSection("News"));
        services.AddOptions<UsersOptions>().Bind(configuration.GetSection("Users"));
        return services;
    }
}
