using System.Net;
using Actors.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Tests.Operations;

/// <summary>
/// The services registered before <c>Build()</c> (in the gateway: the silo first) start in the background while the web
/// server starts; the host's start still waits for them, and requests other than the probes wait too.
/// </summary>
public class BackgroundStartTests
{
    [Fact]
    public async Task The_host_start_completes_only_once_the_services_started_alongside_the_web_server_have_started()
    {
        var slow = new BlockedService();
        await using var app = Build(slow);

        var start = app.StartAsync();
        await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(start.IsCompleted);
        slow.Release.SetResult();
        await start.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(app.Services.GetRequiredService<ServicesStartup>().IsStarted);
    }

    [Fact]
    public async Task While_they_start_liveness_answers_readiness_says_starting_and_other_requests_wait_for_them()
    {
        var slow = new BlockedService();
        await using var app = Build(slow);
        var start = app.StartAsync();
        await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var client = await WebClientAsync(app);

        var page = client.GetAsync("/page");
        var live = await client.GetAsync("/health/live").WaitAsync(TimeSpan.FromSeconds(30));

        var ready = await client.GetAsync("/health/ready").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("The cluster is starting.", await ready.Content.ReadAsStringAsync());
        Assert.False(page.IsCompleted);
        slow.Release.SetResult();
        var answered = await page.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("after start", await answered.Content.ReadAsStringAsync());
        await start;
    }

    [Fact]
    public async Task The_web_server_answers_while_the_services_are_still_being_built()
    {
        // The silo is a large object graph: building it is part of what must not hold the web server up.
        var constructing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IHostedService>(_ =>
        {
            constructing.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return new JournalService("slow to build", []);
        });
        builder.Services.AddHealthChecks();
        builder.StartServicesAlongsideWeb();
        await using var app = builder.Build();
        app.MapHealthChecks("/health/live");

        var start = Task.Run(() => app.StartAsync());
        await constructing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var client = await WebClientAsync(app);
        var live = await client.GetAsync("/health/live").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.False(start.IsCompleted);
        release.Set();
        await start.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// The test client, once the web server has started: it starts alongside the services, so a test that has just seen
    /// a service being built or started may still be ahead of it.
    /// </summary>
    private static async Task<HttpClient> WebClientAsync(WebApplication app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return app.GetTestClient();
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(10); // "The server has not been started" yet
            }
        }
    }

    [Fact]
    public async Task A_service_that_fails_to_start_fails_the_host_start()
    {
        await using var app = Build(new FailingService());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Equal("cannot start", failure.Message);
    }

    [Fact]
    public async Task The_services_start_in_their_order_and_stop_in_the_reverse_order()
    {
        var journal = new List<string>();
        await using var app = Build(new JournalService("first", journal), new JournalService("second", journal));

        await app.StartAsync();
        await app.StopAsync();

        Assert.Equal(["start first", "start second", "stop second", "stop first"], journal);
    }

    [Fact]
    public async Task Readiness_says_starting_without_touching_the_cluster_until_the_services_have_started()
    {
        var check = new ClusterReadinessCheck(new ServiceCollection().BuildServiceProvider(), new ServicesStartup(startedAlready: false));

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Equal("The cluster is starting.", result.Description);
    }

    private static WebApplication Build(params IHostedService[] services)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        foreach (var service in services)
        {
            builder.Services.AddSingleton<IHostedService>(service);
        }

        builder.Services.AddHealthChecks();
        builder.StartServicesAlongsideWeb();
        var app = builder.Build();
        app.MapHealthChecks("/health/live");
        app.MapGet("/page", () => "after start");
        return app;
    }

    private sealed class BlockedService : IHostedService
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            Entered.SetResult();
            await Release.Task;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FailingService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class JournalService(string name, List<string> journal) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lock (journal)
            {
                journal.Add("start " + name);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            lock (journal)
            {
                journal.Add("stop " + name);
            }

            return Task.CompletedTask;
        }
    }
}
