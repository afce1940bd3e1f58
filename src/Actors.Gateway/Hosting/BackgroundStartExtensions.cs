using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Cold start: by default the host starts its services one after another and Kestrel last, so the web side (binding,
/// building the request pipeline and the endpoints on the first request) waits for the co-hosted silo to be built and
/// started. Here the silo and every service registered with it start, in their order, on another thread while Kestrel
/// starts: the two halves of the start overlap on a multi-core machine.
/// <para>
/// What stays true: the host's start (<c>app.StartAsync</c>, <c>ApplicationStarted</c>, a test host's first client)
/// still completes only when all of them have started, and a start failure still fails the host. Until then
/// <c>/health/live</c> answers (the process is up), <c>/health/ready</c> answers 503 unhealthy ("starting"), and every
/// other request waits for the start instead of reaching a silo that is not up yet.
/// </para>
/// </summary>
public static class BackgroundStartExtensions
{
    /// <summary>
    /// Moves every hosted service registered so far (the silo or cluster client, the dashboard, the realtime
    /// subscriptions...) into one group started in the background. Call it last, just before <c>Build()</c>.
    /// </summary>
    public static WebApplicationBuilder StartServicesAlongsideWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var key = new object();
        var moved = 0;
        for (var i = 0; i < services.Count; i++)
        {
            var d = services[i];
            if (d.ServiceType != typeof(IHostedService) || d.IsKeyedService || IsWebHost(d))
            {
                continue;
            }

            services[i] = Keyed(d, key);
            moved++;
        }

        var startup = new ServicesStartup(moved == 0);
        services.AddSingleton(startup);
        if (moved > 0)
        {
            // The group takes the first place the moved services had: before Kestrel's own hosted service.
            // The members are resolved by the group on its own thread (not here, on the host's).
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new BackgroundStartGroup(
                () => sp.GetKeyedServices<IHostedService>(key), startup,
                sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<BackgroundStartGroup>>())));
            services.AddSingleton<IStartupFilter>(new WaitForServicesFilter(startup));
        }

        return builder;
    }

    /// <summary>Kestrel's hosted service stays where the framework puts it (last).</summary>
    private static bool IsWebHost(ServiceDescriptor d) =>
        d.ImplementationType?.FullName == "Microsoft.AspNetCore.Hosting.GenericWebHostService";

    // The same registration under a key: the container still builds (and disposes) them, only later and elsewhere.
    private static ServiceDescriptor Keyed(ServiceDescriptor d, object key) =>
        d.ImplementationInstance is { } instance ? new ServiceDescriptor(d.ServiceType, key, instance)
        : d.ImplementationFactory is { } factory ? new ServiceDescriptor(d.ServiceType, key, (sp, _) => factory(sp), d.Lifetime)
        : new ServiceDescriptor(d.ServiceType, key, d.ImplementationType!, d.Lifetime);

    private static Task NotReadyYetAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        var starting = new HealthReportEntry(HealthStatus.Unhealthy, "The cluster is starting.", TimeSpan.Zero, null, null);
        return HealthResponses.WriteAsync(context, new HealthReport(new Dictionary<string, HealthReportEntry> { ["cluster"] = starting }, TimeSpan.Zero));
    }

    /// <summary>Requests other than the health probes wait until the services have started.</summary>
    private sealed class WaitForServicesFilter(ServicesStartup startup) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Once started (every request but the first few), straight on: no async frame of its own per request.
            app.Use((context, nextMiddleware) => startup.IsStarted ? nextMiddleware(context) : WhileStartingAsync(context, nextMiddleware));
            next(app);
        };

        private async Task WhileStartingAsync(HttpContext context, RequestDelegate nextMiddleware)
        {
            var path = context.Request.Path;
            if (path.Equals("/health/ready") && !startup.Started.IsFaulted)
            {
                // Not ready yet, said cheaply: a probe polled during the start costs no health check run and
                // no error log line each time. (After a failed start the check itself reports the failure.)
                await NotReadyYetAsync(context);
                return;
            }

            if (!path.Equals("/health/live") && !path.Equals("/health/ready"))
            {
                await startup.Started.WaitAsync(context.RequestAborted);
            }

            await nextMiddleware(context);
        }
    }
}

/// <summary>Whether the services started in the background (the silo first) are all up.</summary>
public sealed class ServicesStartup(bool startedAlready)
{
    private readonly TaskCompletionSource _started = NewSource(startedAlready);

    /// <summary>Completes when they have all started; faults if one of them failed to start.</summary>
    public Task Started => _started.Task;

    public bool IsStarted => _started.Task.IsCompletedSuccessfully;

    internal void Complete(Exception? failure)
    {
        if (failure is null)
        {
            _started.TrySetResult();
        }
        else
        {
            _started.TrySetException(failure);
        }
    }

    private static TaskCompletionSource NewSource(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}

/// <summary>
/// Starts its members in the host's order (all StartingAsync, all StartAsync, all StartedAsync) on a pool thread, and
/// holds the host's start until they are done; stops them in reverse order.
/// </summary>
internal sealed class BackgroundStartGroup(
    Func<IEnumerable<IHostedService>> members,
    ServicesStartup startup,
    IHostApplicationLifetime lifetime,
    ILogger<BackgroundStartGroup> logger) : IHostedLifecycleService
{
    private readonly List<IHostedService> _started = [];
    private Task _start = Task.CompletedTask;
    private IHostedService[] _members = [];

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Building the members (the whole silo object graph) is itself a large part of the start: off this thread too.
        _start = Task.Run(() => StartMembersAsync(cancellationToken), cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>The host waits here, after Kestrel has started, for the members.</summary>
    public Task StartedAsync(CancellationToken cancellationToken) => _start.WaitAsync(cancellationToken);

    private async Task StartMembersAsync(CancellationToken cancellationToken)
    {
        try
        {
            _members = [.. members()];
            foreach (var member in _members.OfType<IHostedLifecycleService>())
            {
                await member.StartingAsync(cancellationToken);
            }

            foreach (var member in _members)
            {
                await member.StartAsync(cancellationToken);
                lock (_started)
                {
                    _started.Add(member);
                }

                if (member is BackgroundService background)
                {
                    _ = WatchAsync(background);
                }
            }

            foreach (var member in _members.OfType<IHostedLifecycleService>())
            {
                await member.StartedAsync(cancellationToken);
            }

            startup.Complete(null);
        }
        catch (Exception e)
        {
            startup.Complete(e);
            throw;
        }
    }

    /// <summary>As the host does for its own background services: one that fails stops the application.</summary>
    private async Task WatchAsync(BackgroundService service)
    {
        try
        {
            if (service.ExecuteTask is { } task)
            {
                await task;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogCritical(e, "Background service {Service} failed; stopping the application", service.GetType().Name);
            lifetime.StopApplication();
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var member in Started().OfType<IHostedLifecycleService>())
        {
            await member.StoppingAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A stop during the start waits for it to settle, then stops what did start.
        try
        {
            await _start.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
        }

        List<Exception>? failures = null;
        foreach (var member in Started())
        {
            try
            {
                await member.StopAsync(cancellationToken);
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("One or more hosted services failed to stop.", failures);
        }
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        foreach (var member in Started().OfType<IHostedLifecycleService>())
        {
            await member.StoppedAsync(cancellationToken);
        }
    }

    /// <summary>The members that started, last first.</summary>
    private IHostedService[] Started()
    {
        lock (_started)
        {
            return [.. Enumerable.Reverse(_started)];
        }
    }
}
