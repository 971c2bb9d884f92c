using Bytebot.Dashboard.Circuits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace Bytebot.Tests.Unit.Dashboard;

public sealed class StoppingHostRefusesCircuitsTests
{
    [Theory]
    [InlineData("/_blazor/negotiate", true, 503, false)]
    [InlineData("/_blazor", true, 503, false)]
    [InlineData("/tasks", true, 200, true)]
    [InlineData("/_blazor/negotiate", false, 200, true)]
    public async Task A_stopping_host_answers_503_to_circuit_connections_only(
        string path, bool stopping, int status, bool passed)
    {
        using var stop = new CancellationTokenSource();
        if (stopping)
            await stop.CancelAsync();
        var lifetime = Substitute.For<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Returns(stop.Token);
        var reached = false;
        var middleware = new StoppingHostRefusesCircuits(_ => { reached = true; return Task.CompletedTask; }, lifetime);
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        await middleware.InvokeAsync(context);

        context.Response.StatusCode.ShouldBe(status);
        reached.ShouldBe(passed);
    }
}
