using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Seeding.Lamernews;
using StackExchange.Redis;

namespace Actors.Silo.Import;

/// <summary>
/// Reads a Lamernews / Echo JS Redis into a <see cref="LamernewsSite"/>: <c>users.count</c> and <c>user:&lt;id&gt;</c>,
/// <c>news.count</c>, <c>news:&lt;id&gt;</c> with <c>news.up:&lt;id&gt;</c> / <c>news.down:&lt;id&gt;</c> and
/// <c>thread:comment:&lt;id&gt;</c>, and <c>user.saved:&lt;id&gt;</c>. A key of another type than the layout's, a missing hash,
/// a comment whose JSON does not parse: one sentence in <see cref="LamernewsSite.Skipped"/>, and the rest goes on.
/// Reads in pipelined blocks (one round trip per block of ids).
/// </summary>
public sealed partial class LamernewsRedisReader(IDatabase redis, IServer? server, Action<string> progress)
{
    private const int Block = 256;

    public async Task<LamernewsSite> ReadAsync()
    {
        var site = new LamernewsSite();
        var userIds = await IdsAsync(site, "users.count", "user:*", UserKey());
        site.UsersCount = userIds.Count == 0 ? 0 : userIds.Max();
        for (var i = 0; i < userIds.Count; i += Block)
        {
            var block = userIds.Skip(i).Take(Block).ToArray();
            var hashes = block.Select(id => Hash(site, $"user:{id}")).ToArray();
            var saved = block.Select(id => Members(site, $"user.saved:{id}")).ToArray();
            for (var j = 0; j < block.Length; j++)
            {
                if (await hashes[j] is { } fields && ParseUser(site, block[j], fields) is { } user)
                {
                    site.Users.Add(user);
                }

                if (await saved[j] is { Length: > 0 } members)
                {
                    site.Saved[block[j]] = [.. members.Select(m => Number(m.Element)).OfType<long>()];
                }
            }

            progress($"read {Math.Min(i + Block, userIds.Count):N0}/{userIds.Count:N0} users");
        }

        var newsIds = await IdsAsync(site, "news.count", "news:*", NewsKey());
        site.NewsCount = newsIds.Count == 0 ? 0 : newsIds.Max();
        for (var i = 0; i < newsIds.Count; i += Block)
        {
            var block = newsIds.Skip(i).Take(Block).ToArray();
            var hashes = block.Select(id => Hash(site, $"news:{id}")).ToArray();
            var ups = block.Select(id => Members(site, $"news.up:{id}")).ToArray();
            var downs = block.Select(id => Members(site, $"news.down:{id}")).ToArray();
            var threads = block.Select(id => Hash(site, $"thread:comment:{id}")).ToArray();
            for (var j = 0; j < block.Length; j++)
            {
                var fields = await hashes[j];
                var up = await ups[j];
                var down = await downs[j];
                var thread = await threads[j];
                if (fields is not null && ParseNews(site, block[j], fields, Votes(site, block[j], up), Votes(site, block[j], down), Comments(site, block[j], thread)) is { } item)
                {
                    site.News.Add(item);
                }
            }

            progress($"read {Math.Min(i + Block, newsIds.Count):N0}/{newsIds.Count:N0} news");
        }

        return site;
    }

    /// <summary>Ids 1..counter; when the counter is missing or not a number, the ids of the keys found by SCAN.</summary>
    private async Task<List<long>> IdsAsync(LamernewsSite site, string counter, string pattern, Regex key)
    {
        try
        {
            var value = await redis.StringGetAsync(counter);
            if (value.IsNull)
            {
                site.Skipped.Add($"{counter}: missing: looking for {pattern} keys instead");
            }
            else if (long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return [.. Enumerable.Range(1, (int)Math.Min(count, int.MaxValue - 1)).Select(i => (long)i)];
            }
            else
            {
                site.Skipped.Add($"{counter}: not a number ('{value}'): looking for {pattern} keys instead");
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            site.Skipped.Add($"{counter}: a {await TypeOfAsync(counter)}, not a string: looking for {pattern} keys instead");
        }

        if (server is null)
        {
            return [];
        }

        var ids = new List<long>();
        await foreach (var k in server.KeysAsync(redis.Database, pattern, pageSize: 1000))
        {
            if (key.Match(k.ToString()) is { Success: true } m && long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    /// <summary>The hash's fields, or null when the key is missing (said when <paramref name="key"/> should exist) or of another type.</summary>
    private async Task<Dictionary<string, string>?> Hash(LamernewsSite site, string key)
    {
        try
        {
            var entries = await redis.HashGetAllAsync(key);
            if (entries.Length == 0)
            {
                if (!key.StartsWith("thread:", StringComparison.Ordinal))
                {
                    site.Skipped.Add($"{key}: missing: skipped");
                }

                return key.StartsWith("thread:", StringComparison.Ordinal) ? [] : null;
            }

            return entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            site.Skipped.Add($"{key}: a {await TypeOfAsync(key)}, not a hash: skipped");
            return null;
        }
    }

    /// <summary>The sorted set's members with their scores; empty when missing; null (said) when of another type.</summary>
    private async Task<SortedSetEntry[]?> Members(LamernewsSite site, string key)
    {
        try
        {
            return await redis.SortedSetRangeByRankWithScoresAsync(key);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            site.Skipped.Add($"{key}: a {await TypeOfAsync(key)}, not a sorted set: skipped");
            return null;
        }
    }

    private async Task<string> TypeOfAsync(string key) => (await redis.KeyTypeAsync(key)).ToString().ToLowerInvariant();

    private static LamernewsUser? ParseUser(LamernewsSite site, long id, Dictionary<string, string> f)
    {
        var name = f.GetValueOrDefault("username", "");
        if (Number(f.GetValueOrDefault("ctime")) is not { } created)
        {
            site.Skipped.Add($"user:{id}: no creation time (ctime): skipped");
            return null;
        }

        return new LamernewsUser(
            id, name, f.GetValueOrDefault("salt", ""), f.GetValueOrDefault("password", ""), created,
            (int)Math.Clamp(Number(f.GetValueOrDefault("karma")) ?? 1, int.MinValue / 2, int.MaxValue / 2),
            f.GetValueOrDefault("about", ""), f.GetValueOrDefault("email", ""),
            f.GetValueOrDefault("auth", ""), f.GetValueOrDefault("apisecret", ""), f.GetValueOrDefault("flags", ""),
            Number(f.GetValueOrDefault("karma_incr_time")) ?? created,
            (int)Math.Clamp(Number(f.GetValueOrDefault("replies")) ?? 0, 0, int.MaxValue));
    }

    private static LamernewsNews? ParseNews(
        LamernewsSite site, long id, Dictionary<string, string> f, List<LamernewsVote> up, List<LamernewsVote> down, List<LamernewsComment> comments)
    {
        if (Number(f.GetValueOrDefault("user_id")) is not { } userId || Number(f.GetValueOrDefault("ctime")) is not { } created)
        {
            site.Skipped.Add($"news:{id}: no user_id or ctime: skipped with its votes and comments");
            return null;
        }

        var deleted = Number(f.GetValueOrDefault("del")) is { } del && del != 0;
        return new LamernewsNews(id, f.GetValueOrDefault("title", ""), f.GetValueOrDefault("url", ""), userId, created, deleted, up, down, comments);
    }

    private static List<LamernewsVote> Votes(LamernewsSite site, long newsId, SortedSetEntry[]? members)
    {
        var votes = new List<LamernewsVote>();
        foreach (var m in members ?? [])
        {
            if (Number(m.Element) is { } user)
            {
                votes.Add(new LamernewsVote(user, (long)m.Score));
            }
            else
            {
                site.Skipped.Add($"news votes of {newsId}: member '{m.Element}' is not a user id: skipped");
            }
        }

        return votes;
    }

    private static List<LamernewsComment> Comments(LamernewsSite site, long newsId, Dictionary<string, string>? thread)
    {
        var comments = new List<LamernewsComment>();
        foreach (var (field, json) in thread ?? [])
        {
            if (field == "nextid")
            {
                continue;
            }

            var where = $"thread:comment:{newsId} field {field}";
            if (Number(field) is not { } commentId || commentId < 1)
            {
                site.Skipped.Add($"{where}: not a comment id: skipped");
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(json);
                var c = doc.RootElement;
                if (c.ValueKind != JsonValueKind.Object
                    || JsonNumber(c, "user_id") is not { } userId || JsonNumber(c, "ctime") is not { } created)
                {
                    site.Skipped.Add($"{where}: not a comment object with user_id and ctime: skipped");
                    continue;
                }

                var body = c.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() ?? "" : "";
                comments.Add(new LamernewsComment(
                    commentId, JsonNumber(c, "parent_id") ?? -1, userId, body, created, (JsonNumber(c, "del") ?? 0) != 0,
                    Ids(c, "up"), Ids(c, "down")));
            }
            catch (JsonException e)
            {
                site.Skipped.Add($"{where}: malformed JSON ({e.Message}): skipped");
            }
        }

        return comments;
    }

    /// <summary>A number Lamernews may have stored as a JSON number or a string (parameters are stored as sent).</summary>
    private static long? JsonNumber(JsonElement o, string name) => o.TryGetProperty(name, out var v)
        ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.Number when v.TryGetDouble(out var d) => (long)d,
            JsonValueKind.String => Number(v.GetString()),
            JsonValueKind.True => 1,
            _ => null,
        }
        : null;

    private static List<long> Ids(JsonElement o, string name) =>
        o.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : Number(v.ValueKind == JsonValueKind.String ? v.GetString() : null)).OfType<long>()]
            : [];

    private static long? Number(string? s) =>
        long.TryParse(s?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? (long)d : null;

    private static long? Number(RedisValue v) => Number(v.ToString());

    [GeneratedRegex("^user:([0-9]+)$")]
    private static partial Regex UserKey();

    [GeneratedRegex("^news:([0-9]+)$")]
    private static partial Regex NewsKey();
}
