using System.Globalization;
using System.Text;
using Actors.Gateway.News;
using static Actors.Gateway.Web.Layout;
using static Actors.Gateway.Web.NewsFragments;

namespace Actors.Gateway.Web;

/// <summary>The windowed views on the site: the trending page and a news' votes per minute (an inline SVG, no script).</summary>
internal static class TrendingPages
{
    public static async Task<IResult> Trending(HttpContext context)
    {
        var page = await PageOf(context);
        var trending = context.RequestServices.GetRequiredService<TrendingReader>();
        var html = new StringBuilder("<h2>Trending news</h2>");
        if (!trending.Enabled)
        {
            html.Append($"<p class=\"note\">{Html.E(TrendingReader.TurnedOff)}</p>");
            return Shell(page, "Trending news", html);
        }

        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Actors.News.TrendingOptions>>().Value;
        var list = await trending.PageAsync(0, page.Options.TopNewsPerPage);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Votes and comments of the last {options.WindowSeconds / 60} minutes, by the time they were cast.</p>");
        await NewsList(html, page, [.. list.Items.Select(i => i.News)], list.Items.ToDictionary(i => i.News.Id, i => i.Activity));
        return Shell(page, "Trending news", html, channel: "news.trending");
    }

    /// <summary>
    /// The news' votes per minute over the last 24 hours as a step line: one SVG path of runs (mostly "no votes" runs, so a
    /// few hundred bytes), scaled to the busiest minute.
    /// </summary>
    public static async Task ActivitySparkline(StringBuilder html, Page page, long newsId)
    {
        var trending = page.Context.RequestServices.GetRequiredService<TrendingReader>();
        if (!trending.Enabled)
        {
            return;
        }

        var series = await trending.ActivityAsync(newsId);
        html.Append(Sparkline(series.Values, series.Step));
    }

    internal static string Sparkline(long[] values, long stepMs)
    {
        var peak = Math.Max(1, values.Length == 0 ? 1 : values.Max());
        var total = values.Sum();
        var minutes = stepMs / 60_000.0;
        var hours = values.Length * stepMs / 3_600_000.0;
        var path = new StringBuilder().Append(CultureInfo.InvariantCulture, $"M0,{peak}");
        for (var i = 0; i < values.Length;)
        {
            var run = 1;
            while (i + run < values.Length && values[i + run] == values[i])
            {
                run++;
            }

            path.Append(CultureInfo.InvariantCulture, $"V{peak - values[i]}h{run}");
            i += run;
        }

        var label = string.Create(CultureInfo.InvariantCulture,
            $"{total} vote{(total == 1 ? "" : "s")} in the last {hours:0.#} hours, at most {values.DefaultIfEmpty().Max()} per {(minutes == 1 ? "minute" : $"{minutes:0.#} minutes")}");
        return string.Create(CultureInfo.InvariantCulture,
            $"<figure class=\"activity\"><svg class=\"sparkline\" role=\"img\" width=\"360\" height=\"36\" viewBox=\"0 0 {values.Length} {peak}\" preserveAspectRatio=\"none\" data-total=\"{total}\" data-peak=\"{values.DefaultIfEmpty().Max()}\"><title>{Html.E(label)}</title><path d=\"{path}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\"/></svg><figcaption>{Html.E(label)}</figcaption></figure>");
    }
}
