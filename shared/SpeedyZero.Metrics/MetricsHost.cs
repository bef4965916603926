using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace SpeedyZero.Metrics;

/// <summary>
/// A small Kestrel server for a service's operational endpoints: <c>/metrics</c> (prometheus-net's text
/// format 0.0.4 of the process' registry), <c>/healthz</c> (liveness: 200 while the process serves) and
/// <c>/readyz</c> (200 when every readiness check passes, 503 with the failing checks otherwise).
/// Anything but GET or HEAD is answered 405, an unknown path 404.
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    /// <summary>Content type of <c>/healthz</c> and <c>/readyz</c>.</summary>
    private const string PlainText = "text/plain; charset=utf-8";

    private readonly WebApplication app;

    private MetricsHost(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>The address actually bound (with the real port when 0 was asked for).</summary>
    public string Url { get; }

    /// <summary>
    /// Starts serving <paramref name="registry"/>: one per process, made with <see cref="Prometheus.Metrics.NewCustomRegistry"/>
    /// and filled through <c>Metrics.WithCustomRegistry(registry)</c>. Nothing is added to it here (no default .NET or
    /// process collectors: the services export their own <c>process_*</c> series).
    /// </summary>
    public static async Task<MetricsHost> StartAsync(
        MetricsHostOptions options, CollectorRegistry registry, ReadinessChecks? readiness = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        readiness ??= new ReadinessChecks();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        // Always text format 0.0.4, whatever the scraper's Accept header asks for.
        app.MapMetrics(settings =>
        {
            settings.Registry = registry;
            settings.EnableOpenMetrics = false;
        }, "/metrics");
        app.Map("/healthz", context =>
        {
            context.Response.ContentType = PlainText;
            return context.Response.WriteAsync("ok\n", context.RequestAborted);
        });
        app.Map("/readyz", context => ReadyAsync(context, options, readiness));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Url;
        return new MetricsHost(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task ReadyAsync(HttpContext context, MetricsHostOptions options, ReadinessChecks readiness)
    {
        var results = await readiness.RunAsync(options.ReadinessCheckTimeout, context.RequestAborted).ConfigureAwait(false);
        var ready = results.All(r => r.Result.IsReady);
        var text = new StringBuilder(ready ? "ready\n" : "not ready\n");
        foreach (var (name, result) in results)
        {
            text.Append(result.IsReady ? "ok   " : "FAIL ").Append(name);
            if (result.Detail is not null)
            {
                text.Append(": ").Append(result.Detail);
            }

            text.Append('\n');
        }

        var response = context.Response;
        response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = PlainText;
        await response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
    }
}
