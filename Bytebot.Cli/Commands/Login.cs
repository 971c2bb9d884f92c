using System.CommandLine;
using Spectre.Console;
using Bytebot.Cli.Connection;

namespace Bytebot.Cli.Commands;

/// <summary><c>bytebot login --url U</c>: checks the token against the host, then stores both for later commands.</summary>
internal static class Login
{
    public static Command Command(GlobalOptions options)
    {
        var command = new Command("login", "Checks a token against the host and stores the URL and token (mode 0600).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = options.Target(parse);
            var token = target.Token ?? await ReadTokenAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(token))
                throw new CliException("no token: pass --token, set BYTEBOT_TOKEN or type it when asked", ExitCodes.Usage);
            target = target with { Token = token.Trim() };
            using (var client = new HostClient(target))
                await client.GetAsync("api/desktop/resolution", cancellationToken);
            var url = target.Url.ToString().TrimEnd('/');
            StoredLogin.Write(new LoginFile(url, target.Token));
            if (parse.GetValue(options.Json))
                Output.Document(new { url, stored = StoredLogin.FilePath });
            else
                Output.Markup($"Logged in to [bold]{Output.Esc(url)}[/]; stored in {Output.Esc(StoredLogin.FilePath)}");
            return ExitCodes.Completed;
        });
        return command;
    }

    private static async Task<string?> ReadTokenAsync(CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
            return AnsiConsole.Prompt(new TextPrompt<string>("Token:").Secret());
        return await Console.In.ReadLineAsync(cancellationToken);
    }
}
