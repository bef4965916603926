using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SpeedyZero.Metrics;

/// <summary>
/// A small Kestrel server for a service's operational endpoints: <c>/metrics</c> (text format 0.0.4),
/// <c>/healthz</c> (liveness: 200 while the process serves) and <c>/readyz</c> (200 when every readiness
/// check passes, 503 with the failing checks otherwise).
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private MetricsHost(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>The address actually bound (with the real port when 0 was asked for).</summary>
    public string Url { get; }

    public static async Task<MetricsHost> StartAsync(
        MetricsHostOptions options, MetricsRegistry registry, ReadinessChecks? readiness = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        readiness ??= new ReadinessChecks();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        var app = builder.Build();
        app.Run(context => HandleAsync(context, options, registry, readiness));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Url;
        return new MetricsHost(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, MetricsHostOptions options, MetricsRegistry registry, ReadinessChecks readiness)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/metrics":
                response.ContentType = TextFormat.ContentType;
                await response.WriteAsync(registry.Render(), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/healthz":
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("ok\n", context.RequestAborted).ConfigureAwait(false);
                break;
            case "/readyz":
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

                response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}
