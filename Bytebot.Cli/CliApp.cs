using System.CommandLine;
using System.CommandLine.Help;
using Bytebot.Cli.Commands;
using Bytebot.Cli.Connection;

namespace Bytebot.Cli;

/// <summary>The options every command takes, and what a command's action receives.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "The host, e.g. http://127.0.0.1:9990 (else BYTEBOT_URL, else the stored login).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "The API token (else BYTEBOT_TOKEN, else the stored login).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output: one JSON document (NDJSON for a followed run).",
        Recursive = true,
    };

    public HostTarget Target(ParseResult parse) => HostTarget.Resolve(parse.GetValue(Url), parse.GetValue(Token));
}

internal static class CliApp
{
    public static RootCommand Build()
    {
        var options = new GlobalOptions();
        var root = new RootCommand("bytebot: run and follow tasks on a Bytebot for .NET host.")
        {
            options.Url, options.Token, options.Json,
            Login.Command(options), RunTask.Command(options), ShowStatus.Command(options), ListTasks.Command(options),
            CancelTask.Command(options), ListNodes.Command(options), DrainNode.Command(options),
            TakeBackup.Command(options), RestoreBackup.Command(options),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        // Spectre wraps at 80 columns when it cannot ask a terminal; a pipe or a log wants one step per line.
        if (Console.IsOutputRedirected)
            Spectre.Console.AnsiConsole.Profile.Width = 4096;
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            await Console.Error.WriteLineAsync(
                $"bytebot: {string.Join(' ', parse.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))} " +
                "(see bytebot --help)");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync("bytebot: " + e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("bytebot: interrupted");
            return ExitCodes.Interrupted;
        }
    }
}
