namespace Actors.News;

/// <summary>Where news events live: log streams <c>news-{id}</c>, Orleans stream namespace <c>news</c>.</summary>
public static class NewsStreams
{
    public const string Category = "news";
}
