using System.Buffers;
using System.Text.Json;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The server's side of the protocol as bytes. Replies: <c>{"event":"ok"|"error","id":...,"data":{...},"position":N}</c>.
/// Pushes: <c>{"event":"&lt;domain event name&gt;","channel":"...","data":{...},"position":N}</c>. A push is written once
/// and the same bytes go to every subscriber.
/// </summary>
internal static class Pushes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>{"event":"ok","id":id,"data":data,"position":position}</c>; position left out when 0.</summary>
    /// <param name="options">How <paramref name="data"/> is serialized (default: web defaults; the accounts commands use the REST API's).</param>
    public static byte[] Ok(string? rawId, object? data, long position = 0, JsonSerializerOptions? options = null) => Write(json =>
    {
        json.WriteString("event", "ok");
        WriteId(json, rawId);
        json.WritePropertyName("data");
        if (data is null)
        {
            json.WriteStartObject();
            json.WriteEndObject();
        }
        else
        {
            JsonSerializer.Serialize(json, data, data.GetType(), options ?? Json);
        }

        if (position > 0)
        {
            json.WriteNumber("position", position);
        }
    });

    /// <summary>
    /// <c>{"event":"error","id":id,"data":{"error":message,"code":code}}</c>; id is null when the message had no usable id;
    /// code (the stable code of the accounts API, e.g. <c>not-found</c>, <c>insufficient-funds</c>) left out when null.
    /// </summary>
    public static byte[] Error(string? rawId, string message, string? code = null) => Write(json =>
    {
        json.WriteString("event", "error");
        WriteId(json, rawId);
        json.WriteStartObject("data");
        json.WriteString("error", message);
        if (code is not null)
        {
            json.WriteString("code", code);
        }

        json.WriteEndObject();
    });

    /// <summary>A push of <paramref name="eventName"/> on <paramref name="channel"/>; <paramref name="data"/> writes the members of <c>data</c>.</summary>
    public static byte[] Push(string eventName, string channel, long position, Action<Utf8JsonWriter> data) => Write(json =>
    {
        json.WriteString("event", eventName);
        json.WriteString("channel", channel);
        json.WriteStartObject("data");
        data(json);
        json.WriteEndObject();
        json.WriteNumber("position", position);
    });

    /// <summary>The notice a client gets after pushes were dropped because it did not keep up.</summary>
    public static byte[] Overflow(int dropped) => Write(json =>
    {
        json.WriteString("event", PushNames.Overflow);
        json.WriteStartObject("data");
        json.WriteNumber("dropped", dropped);
        json.WriteEndObject();
    });

    private static void WriteId(Utf8JsonWriter json, string? rawId)
    {
        json.WritePropertyName("id");
        if (rawId is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(rawId, skipInputValidation: true);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            members(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The pushes the gateway makes besides the domain events of the channels it follows (those are pushed under their
/// event type, e.g. <c>news.upvoted</c>). The AsyncAPI document (<c>asyncapi.json</c>) names every one; a test checks it.
/// </summary>
internal static class PushNames
{
    public const string TopSnapshot = "news.top-snapshot";
    public const string TopChanged = "news.top-changed";
    public const string TrendingSnapshot = "news.trending-snapshot";
    public const string TrendingChanged = "news.trending-changed";
    public const string Unsubscribed = "unsubscribed";
    public const string Overflow = "overflow";

    public static readonly IReadOnlyList<string> All = [TopSnapshot, TopChanged, TrendingSnapshot, TrendingChanged, Unsubscribed, Overflow];
}
