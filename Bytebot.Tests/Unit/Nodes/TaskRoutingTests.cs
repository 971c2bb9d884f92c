using Bytebot.Nodes.Contracts;
using Bytebot.Tasks.Api;
using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Decisions;

namespace Bytebot.Tests.Unit.Nodes;

public sealed class TaskRoutingTests
{
    private static NodePresence Node(string name, params string[] capabilities) =>
        new(name, capabilities, NodeStatus.Online, DateTimeOffset.UnixEpoch, 1280, 960, "1", null);

    private static TaskView Pending(string? node, string[]? capabilities = null, string[]? fallbacks = null) =>
        new(Guid.Empty, "x", "IMMEDIATE", "PENDING", "MEDIUM", "ASSISTANT", DateTimeOffset.UnixEpoch, "USER", null,
            DateTimeOffset.UnixEpoch, null, null, null, null, null, new TaskModel("p", "m", "M"), null)
        {
            Node = node, Capabilities = capabilities, FallbackNodes = fallbacks,
        };

    [Fact]
    public void Capabilities_are_lower_cased_sorted_and_deduplicated_and_a_fallback_naming_the_node_itself_is_dropped()
    {
        var (routing, refusal) = TaskRouting.Decide(new TaskDraft("x", Node: "beta", Capabilities: ["GPU", "firefox", "gpu"],
            FallbackNodes: ["beta", "alpha", "alpha"]));

        refusal.ShouldBeNull();
        routing.Capabilities.ShouldBe(["firefox", "gpu"]);
        routing.FallbackNodes.ShouldBe(["alpha"]);
    }

    [Fact]
    public void A_draft_without_routing_runs_anywhere()
    {
        var (routing, refusal) = TaskRouting.Decide(new TaskDraft("x"));

        refusal.ShouldBeNull();
        routing.IsRouted.ShouldBeFalse();
    }

    [Fact]
    public void The_waiting_reason_names_the_node_or_the_capabilities_and_disappears_once_an_eligible_node_takes_tasks()
    {
        TaskWaiting.Reason(Pending("beta"), [Node("alpha")]).ShouldBe("waiting for node beta");
        TaskWaiting.Reason(Pending("beta"), [Node("beta")]).ShouldBeNull();
        TaskWaiting.Reason(Pending("beta", fallbacks: ["alpha"]), [Node("alpha")]).ShouldBeNull();
        TaskWaiting.Reason(Pending("beta", fallbacks: ["gamma"]), [Node("alpha")])
            .ShouldBe("waiting for node beta or a fallback (gamma)");
        TaskWaiting.Reason(Pending(null, ["gpu"]), [Node("alpha", "firefox")]).ShouldBe("waiting for a node with gpu");
        TaskWaiting.Reason(Pending(null, ["gpu"]), [Node("gamma", "gpu", "firefox")]).ShouldBeNull();
        TaskWaiting.Reason(Pending("beta", ["gpu"]), [Node("beta")]).ShouldBe("waiting for node beta with gpu");
    }
}
