using System.Threading.RateLimiting;
using Bytebot.Host.Auth;

namespace Bytebot.Host.Security;

internal static class SecuritySetup
{
    public static IServiceCollection AddBytebotSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SecurityOptions.Section);
        services.Configure<SecurityOptions>(section);
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();

        if (options.AllowedOrigins.Length > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(options.AllowedOrigins)
                .AllowAnyHeader()
                .AllowAnyMethod()
                .AllowCredentials()));
        }
        else
        {
            services.AddCors();
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.RateLimitBurst),
                    TokensPerPeriod = Math.Max(1, options.RateLimitPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    "Too many requests", "This principal is over its request rate; slow down."));
            };
        });
        return services;
    }

    // Per principal: authenticated callers by token id, everyone else by remote address.
    private static string PartitionKey(HttpContext context) =>
        context.User.FindFirst(AdminPrincipal.TokenIdClaim)?.Value is { } tokenId
            ? "token:" + tokenId
            : "ip:" + context.Connection.RemoteIpAddress;
}
