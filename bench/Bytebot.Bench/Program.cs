using System.Globalization;
using Bytebot.Bench;

// Side-by-side benchmarks. Usage: --mode startup|tasks|desktop|agent|nodes|fleet|webhooks
// --host path/Bytebot.Host.dll --out dir [--warm-runs N] [--runs N]
// [--only TEXT,TEXT] (desktop: only the operations whose name contains one of them)
var options = BenchArgs.Parse(args);
Directory.CreateDirectory(options.Out);
switch (options.Mode)
{
    case "startup":
        await StartupBench.RunAsync(options);
        break;
    case "tasks":
        await TasksBench.RunAsync(options);
        break;
    case "desktop":
        await DesktopBench.RunAsync(options);
        break;
    case "agent":
        await AgentBench.RunAsync(options);
        break;
    case "nodes":
        await NodesBench.RunAsync(options);
        break;
    case "fleet":
        await FleetBench.RunAsync(options);
        break;
    case "webhooks":
        await WebhookBench.RunAsync(options);
        break;
    default:
        Console.Error.WriteLine(
            $"unknown --mode {options.Mode}; use startup, tasks, desktop, agent, nodes, fleet or webhooks");
        return 2;
}
return 0;

namespace Bytebot.Bench
{
    internal sealed record BenchArgs(string Mode, string HostDll, string Out, int WarmRuns, int Runs, string Only)
    {
        public static BenchArgs Parse(string[] args)
        {
            string Value(string name, string? fallback) =>
                Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1]
                : fallback ?? throw new ArgumentException($"missing {name}");
            return new BenchArgs(Value("--mode", "startup"), Path.GetFullPath(Value("--host", null)),
                Path.GetFullPath(Value("--out", "artifacts/bench")), int.Parse(Value("--warm-runs", "3"), CultureInfo.InvariantCulture),
                int.Parse(Value("--runs", "30"), CultureInfo.InvariantCulture),
                Value("--only", ""));
        }
    }
}
