using System.Globalization;

namespace Actors.Gateway.News;

/// <summary>The one reading of a news or comment id in a path, a parameter or a channel name, for every door and page.</summary>
internal static class NewsIds
{
    /// <summary>A positive id; anything else (not a number, too big, zero, negative, signs or spaces) is no id.</summary>
    public static long? Parse(string text) =>
        text.Length <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
