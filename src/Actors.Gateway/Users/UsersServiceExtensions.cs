using Actors.Users;

namespace Actors.Gateway.Users;

public static class UsersServiceExtensions
{
    /// <summary>
    /// Binds the <c>News</c> section to <see cref="NewsOptions"/> (every Lamernews constant) and <c>Users</c> to
    /// <see cref="UsersOptions"/>, and registers the auth seam's token and session cache (kept honest by the users events). The co-hosted silo sees the same options.
    /// </summary>
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        builder.Services.AddNewsAndUsersOptions(builder.Configuration);
        builder.Services.AddSingleton<AuthTokenCache>();
        builder.Services.AddSingleton<SessionSignals>();
        builder.Services.AddHostedService<SessionInvalidation>();
        builder.Services.AddSingleton<IPasswordResetMailer, SmtpPasswordResetMailer>();
        builder.Services.AddSingleton(new LoginThrottle(
            builder.Configuration.GetSection(LoginThrottleOptions.Section).Get<LoginThrottleOptions>() ?? new LoginThrottleOptions()));
        return builder;
    }
}
