using Bytebot.Secrets.Contracts;
using Bytebot.Agent.Contracts;
using Bytebot.Agent.Loop;
using Bytebot.Agent.Mcp;
using Bytebot.Agent.Plugins;
using Bytebot.Agent.Policy;
using Bytebot.Agent.Providers;
using Bytebot.Agent.Tools;
using Bytebot.Platform.Http;
using Bytebot.Tasks.Contracts;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Bytebot.Agent;

public static class AgentModule
{
    public static IServiceCollection AddAgentModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ModelCatalog(
            configuration, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ModelCatalog>>(),
            () => sp.GetService<ISecretValues>()));
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddHostedService<ModelListRefresher>();
        services.AddSingleton(_ => AgentOptions.FromConfiguration(configuration));
        // Read here, not when first resolved: a bad budget stops the start with the setting's name.
        AgentOptions.MonthlyCost(configuration["Agent:Limits:MonthlyCost"]);
        services.AddSingleton<MonthlyBudget>();
        services.AddSingleton<IRunBudget>(sp => sp.GetRequiredService<MonthlyBudget>());
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<ToolKernel>();
        services.AddSingleton<ToolRunner>();
        services.AddComputerMcp();
        services.AddSingleton<AgentParts>();
        AddPolicy(services, configuration);
        // Without a model the worker claims nothing and tasks wait in the queue (DESIGN §1) instead of failing.
        using (var probe = new ModelCatalog(configuration, TimeProvider.System))
        {
            if (probe.Configured.Count > 0)
                services.AddSingleton<ITaskAgent, AgentLoop>();
        }
        return services;
    }

    // Read here, not when first resolved: a bad rule stops the start with the setting's name.
    private static void AddPolicy(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new ToolPolicy(PolicyOptions.FromConfiguration(configuration)));
        services.ConfigureMarten(options => options.Schema.For<Approval>().UseOptimisticConcurrency(true)
            .Index(a => a.Status));
        services.AddSingleton<ApprovalBroadcast>();
        services.AddSingleton<IApprovalFeed>(sp => sp.GetRequiredService<ApprovalBroadcast>());
        services.AddSingleton<ApprovalNotices>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalNotices>());
        services.AddSingleton<ApprovalBook>();
        services.AddSingleton<IApprovalDecisions, ApprovalDecisions>();
        services.AddSingleton<ApprovalStream>();
        services.AddSingleton<IApproverPresence>(sp => sp.GetRequiredService<ApprovalStream>());
        services.AddSingleton<ToolGate>();
        services.AddSingleton<IToolGate>(sp => sp.GetRequiredService<ToolGate>());
        services.AddSingleton<IFunctionInvocationFilter, PolicyFilter>();
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var approvals = endpoints.MapGroup("/api/approvals").WithTags("Approvals");
        approvals.MapGet("/", ApprovalsApi.ListAsync)
            .WithName("ListApprovals")
            .WithSummary("Approvals of tool calls, newest first (at most 200); status: pending, approved, denied or "
                + "expired.")
            .Produces<IReadOnlyList<ApprovalNotice>>().ProducesValidationProblem();
        approvals.MapGet("/stream", (HttpContext context, ApprovalStream stream, ApprovalBook book, IApprovalFeed feed,
                CancellationToken ct) => stream.ServeAsync(context, book, feed, ct))
            .WithName("StreamApprovals")
            .WithSummary("Server-sent events: the pending approvals, then each new one and each decision, live. "
                + "An open stream counts as a reachable approver.")
            .DescribesEventStream("approval_requested and approval_decided, each with the approval as data.",
                resumable: false);
        approvals.MapGet("/{id}", ApprovalsApi.GetAsync)
            .WithName("GetApproval").WithSummary("One approval.")
            .Produces<ApprovalNotice>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        approvals.MapPost("/{id}/approve", ApprovalsApi.ApproveAsync)
            .WithName("ApproveApproval").WithSummary("Approves a pending approval: the call runs once, as shown.")
            .DescribesBody(required: false, ("application/json", ApprovalsApi.DecideSchema))
            .Produces<ApprovalNotice>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost("/{id}/deny", ApprovalsApi.DenyAsync)
            .WithName("DenyApproval")
            .WithSummary("Denies a pending approval: the call does not run; the model is told.")
            .DescribesBody(required: false, ("application/json", ApprovalsApi.DecideSchema))
            .Produces<ApprovalNotice>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints.MapComputerMcp();
    }
}
