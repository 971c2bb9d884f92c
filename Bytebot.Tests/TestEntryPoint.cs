using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests;

/// <summary>
/// xunit's entry point, plus <c>--bytebot-host settings.json</c>: the real host composition on Kestrel with the
/// scripted agent, as a separate process that tests can kill -9 and restart.
/// </summary>
internal static class TestEntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--bytebot-host", var settingsPath])
            return await RunHostAsync(settingsPath);
        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
            return await Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions);
        return await Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args);
    }

    private static async Task<int> RunHostAsync(string settingsPath)
    {
        var settings = JsonSerializer.Deserialize<Dictionary<string, string?>>(await File.ReadAllTextAsync(settingsPath))!;
        await using var factory = new BytebotHostFactory(settings["ConnectionStrings:Bytebot"]!, settings)
        {
            // "Test:Agent=real" keeps the host's own agent loop (its models point at a fake LLM server in the test process).
            TestServices = settings.GetValueOrDefault("Test:Agent") == "real" ? null : services => services.AddSingleton<ITaskAgent, ScriptedAgent>(),
        };
        var url = factory.StartKestrel();
        await Console.Out.WriteLineAsync(HostProcess.ListeningPrefix + url);
        await Console.Out.FlushAsync();
        // Runs until killed (the point of the crash tests) or until the parent closes our stdin.
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
