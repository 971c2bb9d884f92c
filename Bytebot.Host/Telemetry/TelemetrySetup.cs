using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bytebot.Host.Telemetry;

/// <summary>
/// Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. The OpenTelemetry.Extensions.Hosting
/// package does not restore here, so the providers are built with the SDK builders and owned by a hosted service.
/// </summary>
internal static class TelemetrySetup
{
    public static readonly string[] Sources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "Wolverine", "Bytebot.*"];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "System.Net.Http", "System.Runtime", "Npgsql", "Wolverine", "Bytebot.*",
    ];

    public static ILoggingBuilder AddBytebotLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (string.Equals(configuration["BYTEBOT_LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.ClearProviders();
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // Hosting logs every request URL at Information, query string included (access_token for WebSockets
        // and SSE); request details belong in traces, where the query is redacted.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return logging;
    }

    public static IServiceCollection AddBytebotTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
            return services;

        services.AddHostedService(_ => new TelemetryProviders(configuration, endpoint.TrimEnd('/')));
        return services;
    }

    private sealed class TelemetryProviders(IConfiguration configuration, string endpoint) : IHostedService, IDisposable
    {
        private TracerProvider? _tracing;
        private MeterProvider? _metrics;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var protocol = string.Equals(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], "grpc", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.Grpc
                : OtlpExportProtocol.HttpProtobuf;
            var resource = ResourceBuilder.CreateDefault()
                .AddService(configuration["OTEL_SERVICE_NAME"] ?? "bytebot", serviceVersion: typeof(Program).Assembly.GetName().Version?.ToString());

            _tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(Sources)
                .AddProcessor(new RedactingProcessor())
                .AddOtlpExporter(o => Configure(o, protocol, "v1/traces"))
                .Build();
            _metrics = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter(Meters)
                .AddOtlpExporter(o => Configure(o, protocol, "v1/metrics"))
                .Build();
            return Task.CompletedTask;
        }

        // An explicitly set HTTP endpoint is used verbatim, so the signal path has to be appended here.
        private void Configure(OtlpExporterOptions options, OtlpExportProtocol protocol, string signalPath)
        {
            options.Protocol = protocol;
            options.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? $"{endpoint}/{signalPath}" : endpoint);
            if (configuration["OTEL_EXPORTER_OTLP_HEADERS"] is { Length: > 0 } headers)
                options.Headers = headers;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _tracing?.ForceFlush(5000);
            _metrics?.ForceFlush(5000);
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _tracing?.Dispose();
            _metrics?.Dispose();
        }
    }

    private sealed class RedactingProcessor : BaseProcessor<Activity>
    {
        private static readonly string[] UrlTags = ["url.query", "url.full", "http.url", "http.target"];

        public override void OnEnd(Activity data)
        {
            foreach (var tag in UrlTags)
            {
                if (data.GetTagItem(tag) is string value && SecretRedactor.Redact(value) is var redacted && redacted != value)
                    data.SetTag(tag, redacted);
            }
        }
    }
}
