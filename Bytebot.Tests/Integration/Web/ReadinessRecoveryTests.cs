using System.Diagnostics;
using System.Net;
using Bytebot.Desktop.VirtualDisplay;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Web;

/// <summary>Readiness over HTTP follows the desktop's children: 503 while one is down, 200 once the supervisor has restarted it.</summary>
public sealed class ReadinessRecoveryTests(PostgresFixture postgres)
{
    public static TheoryData<string> Children() => new("Xvfb", "x11vnc");

    [Theory]
    [MemberData(nameof(Children))]
    public async Task Killing_a_desktop_child_turns_readiness_to_503_and_back_to_200_without_restarting_the_host(string child)
    {
        await using var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync());
        using var client = factory.CreateAuthenticatedClient();
        (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var supervisor = factory.Services.GetRequiredService<DesktopSupervisor>();
        var victim = child == "Xvfb" ? supervisor.Xvfb! : supervisor.Vnc!;
        var hostPid = Environment.ProcessId;

        var clock = Stopwatch.StartNew();
        victim.Kill();
        var down = await PollAsync(client, HttpStatusCode.ServiceUnavailable);
        var up = await PollAsync(client, HttpStatusCode.OK);

        down.ShouldNotBeNull($"readiness never reported {child} down");
        up.ShouldNotBeNull($"readiness never recovered after {child} was killed");
        up.Value.ShouldBeGreaterThan(down.Value);
        Environment.ProcessId.ShouldBe(hostPid);
        Console.WriteLine($"readiness recovery, {child} killed: 503 after {down.Value.TotalMilliseconds:F0} ms, 200 after {up.Value.TotalMilliseconds:F0} ms");

        async Task<TimeSpan?> PollAsync(HttpClient http, HttpStatusCode wanted)
        {
            // A generous bound only so a broken supervisor fails the test instead of hanging it; the time is reported, not asserted.
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
                if (response.StatusCode == wanted)
                    return clock.Elapsed;
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }
            return null;
        }
    }
}
