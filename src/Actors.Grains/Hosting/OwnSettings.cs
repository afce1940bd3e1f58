using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Actors.Hosting;

/// <summary>
/// A process reads its own <c>appsettings.json</c> wherever it is started from. The host looks for the file in the
/// content root, which is the working directory unless <c>--contentRoot</c> says otherwise; started from anywhere else,
/// a gateway or silo ran without its settings (every request logged, every grain placement logged by Polly). The
/// build copies the file beside the app, so when the content root has none, the file beside the app is read instead,
/// at the same place among the sources (environment variables and arguments still override it).
/// </summary>
public static class OwnSettings
{
    public static IHostApplicationBuilder UseOwnSettings(this IHostApplicationBuilder builder)
    {
        var own = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"))
            || !File.Exists(Path.Combine(own, "appsettings.json")))
        {
            return builder; // started where its settings are (or it has none beside it: nothing better to read)
        }

        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                // Replaced in place (the configuration reloads its sources), so its precedence stays what it was.
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = false,
                    FileProvider = new PhysicalFileProvider(own),
                };
            }
        }

        return builder;
    }
}
