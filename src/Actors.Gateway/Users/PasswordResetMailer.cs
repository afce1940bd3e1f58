using System.Net.Mail;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Users;

/// <summary>Sends the password-reset mail. Returns false when the mail could not be handed to the relay.</summary>
public interface IPasswordResetMailer
{
    Task<bool> SendAsync(string to, string username, string link, CancellationToken cancellationToken);
}

/// <summary>SMTP through <c>News:MailRelay</c> (<c>host</c> or <c>host:port</c>, port 25 by default), from <c>News:MailFrom</c>.</summary>
public sealed class SmtpPasswordResetMailer(IOptions<NewsOptions> options, ILogger<SmtpPasswordResetMailer> logger) : IPasswordResetMailer
{
    public async Task<bool> SendAsync(string to, string username, string link, CancellationToken cancellationToken)
    {
        var news = options.Value;
        var relay = news.MailRelay.Split(':', 2);
        var port = relay.Length == 2 && int.TryParse(relay[1], out var p) ? p : 25;
        try
        {
            using var message = new MailMessage(news.MailFrom, to)
            {
                Subject = $"{news.SiteName} password reset",
                Body = $"You can reset your password following this link: {link}",
            };
            using var client = new SmtpClient(relay[0], port) { Timeout = 10_000 };
            await client.SendMailAsync(message, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SmtpException or FormatException or InvalidOperationException or IOException)
        {
            logger.LogWarning(e, "Password reset mail for {Username} could not be sent through {Relay}", username, news.MailRelay);
            return false;
        }
    }
}
