using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Actors.Tests.Import;

/// <summary>
/// Writes a Lamernews site into a Redis the way Lamernews' <c>app.rb</c> and <c>comments.rb</c> do (the reference's key
/// layout): the user hash with its PBKDF2 password, the name and token indexes, the news hash with its vote sorted sets,
/// the lists, the comment threads as JSON, the saved lists.
/// </summary>
internal sealed class LamernewsRedis(IDatabase db)
{
    private long _users;
    private long _news;

    /// <summary>pbkdf2.rb as Lamernews calls it: HMAC-SHA1, 1000 iterations, 20 bytes, the 40-hex salt string as the salt, hex out.</summary>
    public static string HashPassword(string password, string salt)
    {
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(password));
        var u = hmac.ComputeHash([.. Encoding.UTF8.GetBytes(salt), 0, 0, 0, 1]);
        var result = (byte[])u.Clone();
        for (var i = 2; i <= 1000; i++)
        {
            u = hmac.ComputeHash(u);
            for (var j = 0; j < result.Length; j++)
            {
                result[j] ^= u[j];
            }
        }

        return Convert.ToHexStringLower(result);
    }

    public static string Rand() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public async Task<(long Id, string Auth, string ApiSecret)> CreateUserAsync(
        string username, string password, long ctime, int karma, string about = "", string email = "", int replies = 0)
    {
        var id = await db.StringIncrementAsync("users.count");
        _users = id;
        var (auth, secret, salt) = (Rand(), Rand(), Rand());
        var fields = new List<HashEntry>
        {
            new("id", id), new("username", username), new("salt", salt), new("password", HashPassword(password, salt)),
            new("ctime", ctime), new("karma", karma), new("about", about), new("email", email), new("auth", auth),
            new("apisecret", secret), new("flags", id == 1 ? "a" : ""), new("karma_incr_time", ctime),
        };
        if (replies > 0)
        {
            fields.Add(new HashEntry("replies", replies));
        }

        await db.HashSetAsync($"user:{id}", [.. fields]);
        await db.StringSetAsync($"username.to.id:{username.ToLowerInvariant()}", id);
        await db.StringSetAsync($"auth:{auth}", id);
        return (id, auth, secret);
    }

    /// <summary>A news item with its author's up-vote, as <c>insert_news</c> does; <paramref name="text"/> makes a text post.</summary>
    public async Task<long> SubmitAsync(long userId, string title, string? url, string? text, long ctime)
    {
        var id = await db.StringIncrementAsync("news.count");
        _news = id;
        await db.HashSetAsync($"news:{id}",
        [
            new("id", id), new("title", title), new("url", url ?? "text://" + text), new("user_id", userId), new("ctime", ctime),
            new("score", 0), new("rank", 0), new("up", 0), new("down", 0), new("comments", 0),
        ]);
        await VoteAsync(id, userId, true, ctime);
        await db.SortedSetAddAsync($"user.posted:{userId}", id, ctime);
        await db.SortedSetAddAsync("news.cron", id, ctime);
        await db.SortedSetAddAsync("news.top", id, 1);
        return id;
    }

    public async Task VoteAsync(long newsId, long userId, bool up, long at)
    {
        await db.SortedSetAddAsync($"news.{(up ? "up" : "down")}:{newsId}", userId, at);
        await db.HashIncrementAsync($"news:{newsId}", up ? "up" : "down");
        if (up)
        {
            await db.SortedSetAddAsync($"user.saved:{userId}", newsId, at);
        }
    }

    public async Task DeleteNewsAsync(long newsId)
    {
        await db.HashSetAsync($"news:{newsId}", "del", 1);
        await db.SortedSetRemoveAsync("news.top", newsId);
        await db.SortedSetRemoveAsync("news.cron", newsId);
    }

    /// <summary>A comment as <c>insert_comment</c> stores it (parent and user ids as the request sent them: strings).</summary>
    public async Task<long> CommentAsync(long newsId, long userId, long parentId, string body, long ctime, long[]? up = null, long[]? down = null, bool deleted = false)
    {
        var id = await db.HashIncrementAsync($"thread:comment:{newsId}", "nextid");
        var json = new StringBuilder()
            .Append("{\"score\":0,\"body\":").Append(System.Text.Json.JsonSerializer.Serialize(body))
            .Append(",\"parent_id\":").Append(parentId == -1 ? "-1" : $"\"{parentId}\"")
            .Append(",\"user_id\":\"").Append(userId).Append("\",\"ctime\":").Append(ctime)
            .Append(",\"up\":[").Append(string.Join(',', new[] { userId }.Concat(up ?? []))).Append(']');
        if (down is { Length: > 0 })
        {
            json.Append(",\"down\":[").Append(string.Join(',', down)).Append(']');
        }

        if (deleted)
        {
            json.Append(",\"del\":1");
        }

        await db.HashSetAsync($"thread:comment:{newsId}", id, json.Append('}').ToString());
        await db.SortedSetAddAsync($"user.comments:{userId}", $"{newsId}-{id}", ctime);
        await db.HashIncrementAsync($"news:{newsId}", "comments", deleted ? 0 : 1);
        return id;
    }

    public long Users => _users;

    public long News => _news;
}
