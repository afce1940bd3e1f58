using Actors.EventSourcing;
using Actors.Users;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Accounts;

/// <summary>Marker interface of the accounts side's consumer of user events.</summary>
[Alias("actors.accounts.IFirstAccountOpenerGrain")]
public interface IFirstAccountOpenerGrain : IGrainWithStringKey;

/// <summary>
/// One event, several consumers: the accounts side listens to the users category (one activation per partition)
/// and opens each new user's first account. The users side knows nothing of this. Idempotent: the account id is
/// derived from the registration (user id and its random nonce), and opening an already open account with the same owner is a no-op.
/// </summary>
[ImplicitStreamSubscription("users")]
public sealed class FirstAccountOpenerGrain(ILogger<FirstAccountOpenerGrain> logger)
    : Grain, IFirstAccountOpenerGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (item.Data is not UserCreated created)
        {
            return;
        }

        using var onBehalf = OnBehalfOf.CauseOf(item);
        var reply = await GrainFactory.GetGrain<IAccountGrain>(AccountIds.FirstAccountOf(created.UserId, created.Nonce))
            .Open(created.UserId, AccountRules.DefaultCurrency);
        if (reply.Rejection is { } rejection)
        {
            logger.LogError("Could not open the first account of user {UserId}: {Rejection}", created.UserId, rejection);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
