using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>One create-task rule set: the HTTP API and the bus command the agent's <c>create_task</c> tool sends agree.</summary>
[Collection("host")]
public sealed class CreateTaskRulesTests(HostFixture host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("IMMEDIATE", "2030-01-01T00:00:00Z", "scheduledFor", null)]
    [InlineData("SCHEDULED", null, "scheduledFor", null)]
    [InlineData(null, "2030-01-01T00:00:00Z", null, "SCHEDULED")]
    [InlineData("immediate", null, null, "IMMEDIATE")]
    [InlineData(null, "next week", "scheduledFor", null)]
    public async Task The_API_and_the_bus_refuse_or_accept_the_same_drafts(
        string? type, string? scheduledFor, string? refusedField, string? createdType)
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var response = await client.PostAsJsonAsync("/api/tasks", new { description = "rules", type, scheduledFor }, Ct);
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        var draft = new TaskDraft("rules", type, ScheduledFor: scheduledFor, CreatedBy: "ASSISTANT");

        if (refusedField is not null)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("errors").TryGetProperty(refusedField, out _).ShouldBeTrue(problem.ToString());
            var refused = await Should.ThrowAsync<TaskRefusedException>(() => bus.InvokeAsync<TaskCreatedReply>(new CreateTaskCommand(draft), Ct));
            refused.Field.ShouldBe(refusedField);
            return;
        }
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString().ShouldBe(createdType);
        var reply = await bus.InvokeAsync<TaskCreatedReply>(new CreateTaskCommand(draft), Ct);
        var created = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{reply.TaskId}", Ct);
        created.GetProperty("type").GetString().ShouldBe(createdType);
        created.GetProperty("createdBy").GetString().ShouldBe("ASSISTANT");
    }
}
