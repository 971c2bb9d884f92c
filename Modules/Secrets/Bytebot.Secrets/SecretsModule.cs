using Bytebot.Platform.Http;
using Bytebot.Secrets.Contracts;
using Bytebot.Secrets.Vault;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bytebot.Secrets;

public static class SecretsModule
{
    public static IServiceCollection AddSecretsModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // The key ring is the host's (Auth: persisted under the data dir); this module only names its purpose.
        services.AddDataProtection();
        services.ConfigureMarten(options => options.Schema.For<StoredSecret>());
        services.AddSingleton<SecretVault>();
        services.AddSingleton<ISecretValues>(sp => sp.GetRequiredService<SecretVault>());
        return services;
    }

    public static IEndpointRouteBuilder MapSecretsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var secrets = endpoints.MapGroup("/api/secrets").WithTags("Secrets");
        secrets.MapGet("/", SecretsApi.ListAsync)
            .WithName("ListSecrets").WithSummary("Secret names with their creation and update times; never their values.")
            .Produces<IReadOnlyList<SecretView>>();
        secrets.MapPost("/", SecretsApi.PutAsync)
            .WithName("PutSecret")
            .WithSummary("Creates (201) or replaces (200) a named secret; reference it as {{secret:name}}.")
            .DescribesBody(("application/json", SecretsApi.CreateSchema))
            .Produces<SecretView>(StatusCodes.Status201Created).Produces<SecretView>().ProducesValidationProblem();
        secrets.MapDelete("/{name}", SecretsApi.DeleteAsync)
            .WithName("DeleteSecret").WithSummary("Deletes a named secret.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}
