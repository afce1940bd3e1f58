using System.Text;

namespace Actors.News;

/// <summary>
/// The entries of <see cref="NewsLists"/> as bytes, one chunk of news ids at a time: a checkpoint writes only the chunks
/// that changed since the last one (news past their first days rarely change), and a restart reads them all instead of
/// folding the whole news history. A compact binary layout: ~100 bytes plus title and URL per news, where JSON took
/// three times that and as long again to read.
/// </summary>
public static class NewsListsSnapshot
{
    /// <summary>News ids per chunk.</summary>
    public const long ChunkSize = 4096;

    /// <summary>Names this layout; a chunk of another shape is not read.</summary>
    public const string Shape = "news-lists/1";

    public static long ChunkOf(long newsId) => newsId / ChunkSize;

    public static byte[] Write(IReadOnlyCollection<NewsListEntry> entries)
    {
        using var buffer = new MemoryStream(entries.Count * 160);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(entries.Count);
            foreach (var e in entries)
            {
                writer.Write(e.Id);
                writer.Write(e.UserId);
                writer.Write(e.Username);
                writer.Write(e.CreatedAt);
                writer.Write(e.Title);
                writer.Write(e.Url);
                writer.Write(e.Up);
                writer.Write(e.Down);
                writer.Write(e.Comments);
                writer.Write(e.Deleted);
                writer.Write(e.Version);
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a chunk of this layout.</exception>
    public static IReadOnlyList<NewsListEntry> Read(byte[] payload, NewsOptions options)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            var count = reader.ReadInt32();
            var entries = new List<NewsListEntry>(count);
            for (var i = 0; i < count; i++)
            {
                var entry = new NewsListEntry
                {
                    Id = reader.ReadInt64(),
                    UserId = reader.ReadInt64(),
                    Username = reader.ReadString(),
                    CreatedAt = reader.ReadInt64(),
                    Title = reader.ReadString(),
                    Url = reader.ReadString(),
                    Up = reader.ReadInt32(),
                    Down = reader.ReadInt32(),
                    Comments = reader.ReadInt32(),
                    Deleted = reader.ReadBoolean(),
                    Version = reader.ReadInt64(),
                };
                entry.Score = NewsRanking.Score(entry.Up, entry.Down, options);
                entries.Add(entry);
            }

            return reader.BaseStream.Position == payload.Length
                ? entries
                : throw new InvalidDataException("Bytes left over after the last entry.");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The chunk ends before its last entry.", e);
        }
    }
}
