using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Gateway.Realtime;
using Actors.News;

namespace Actors.Tests.Realtime;

/// <summary>
/// The AsyncAPI document of <c>/ws</c> against the code: every command of the command table, every push the gateway
/// makes (the domain events of the channels it follows, read from the event types, and its own pushes) and every kind
/// of channel must be in it; commands it names must exist. Its validity as AsyncAPI 3.0 is checked by the official
/// parser in CI (<c>tests/asyncapi</c>, run by <c>.ci/run</c>).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AsyncApiTests(GatewayFactory gateway)
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var client = gateway.CreateClient();
        var response = await client.GetAsync("/asyncapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The event names of the messages tagged <paramref name="tag"/>.</summary>
    private static HashSet<string> MessagesTagged(JsonElement document, string tag) =>
        document.GetProperty("components").GetProperty("messages").EnumerateObject()
            .Where(m => m.Value.GetProperty("tags").EnumerateArray().Any(t => t.GetProperty("name").GetString() == tag))
            .Select(m => m.Value.GetProperty("name").GetString()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The event names of the messages the operations of <paramref name="action"/> (send or receive) carry.</summary>
    private static HashSet<string> OperationMessages(JsonElement document, string action)
    {
        var messages = document.GetProperty("components").GetProperty("messages");
        var channels = document.GetProperty("channels");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in document.GetProperty("operations").EnumerateObject().Where(o => o.Value.GetProperty("action").GetString() == action))
        {
            foreach (var reference in operation.Value.GetProperty("messages").EnumerateArray())
            {
                // #/channels/<channel>/messages/<key> -> the channel's message -> #/components/messages/<key>
                var parts = reference.GetProperty("$ref").GetString()!.Split('/');
                var inChannel = channels.GetProperty(parts[2]).GetProperty("messages").GetProperty(parts[4]).GetProperty("$ref").GetString()!;
                names.Add(messages.GetProperty(inChannel.Split('/')[^1]).GetProperty("name").GetString()!);
            }
        }

        return names;
    }

    /// <summary>What the fan-out pushes under the event's type: every news and account event type of the contracts.</summary>
    private static IEnumerable<string> DomainPushes() =>
        typeof(INewsEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && (typeof(INewsEvent).IsAssignableFrom(t) || typeof(IAccountEvent).IsAssignableFrom(t)))
            .Select(EventTypes.NameOf);

    [Fact]
    public async Task Given_the_served_document_Then_it_is_AsyncAPI_3_for_the_ws_endpoint()
    {
        var document = await DocumentAsync();

        Assert.Equal("3.0.0", document.GetProperty("asyncapi").GetString());
        Assert.Equal("/ws", document.GetProperty("servers").GetProperty("gateway").GetProperty("pathname").GetString());
    }

    [Fact]
    public async Task Given_the_command_table_Then_every_command_is_a_command_message_with_a_send_operation_and_the_document_names_no_other()
    {
        var document = await DocumentAsync();
        var commands = WsCommands.Names.ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(commands);
        Assert.Empty(commands.Except(MessagesTagged(document, "command")));
        Assert.Empty(commands.Except(OperationMessages(document, "send")));
        Assert.Empty(MessagesTagged(document, "command").Except(commands));
    }

    [Fact]
    public async Task Given_every_push_of_the_code_Then_each_is_a_push_message_received_on_a_channel()
    {
        var document = await DocumentAsync();
        var pushes = DomainPushes().Concat(PushNames.All).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("news.upvoted", pushes);
        Assert.Contains("accounts.money-deposited", pushes);
        Assert.Empty(pushes.Except(MessagesTagged(document, "push")));
        Assert.Empty(pushes.Except(OperationMessages(document, "receive")));
    }

    [Fact]
    public async Task Given_the_replies_Then_ok_and_error_answer_every_command()
    {
        var document = await DocumentAsync();

        Assert.Equal(["error", "ok"], MessagesTagged(document, "reply").Order());
        foreach (var operation in document.GetProperty("operations").EnumerateObject().Where(o => o.Value.GetProperty("action").GetString() == "send"))
        {
            Assert.Equal(2, operation.Value.GetProperty("reply").GetProperty("messages").GetArrayLength());
        }
    }

    [Fact]
    public async Task Given_the_channels_a_client_can_follow_Then_each_matches_a_channel_address_of_the_document()
    {
        var document = await DocumentAsync();
        var addresses = document.GetProperty("channels").EnumerateObject()
            .Select(c => new Regex("^" + Regex.Replace(Regex.Escape(c.Value.GetProperty("address").GetString()!), @"\\\{[A-Za-z]+}", "[^.]+") + "$"))
            .ToList();

        foreach (var channel in new[] { Channels.Top, Channels.Latest, TrendingWatcher.Channel, Channels.News(42), Channels.Account(Guid.NewGuid()) })
        {
            Assert.True(addresses.Any(a => a.IsMatch(channel)), $"the document has a channel for {channel}");
        }
    }
}
