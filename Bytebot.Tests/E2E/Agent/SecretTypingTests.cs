using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Bytebot.Tests.Fakes.Llm;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// Issue 20, acceptance 3, on the real managed desktop with the real loop: the scripted model types
/// <c>{{secret:name}}</c> into a terminal, the exact value reaches the file the shell writes, and then the value is
/// looked for everywhere the host keeps or sends text: every table of the database, its log, every request the
/// model received, the dashboard's HTML (as fetched and as the browser renders it) and the files of its data dir. Each scan also finds the reference, so it
/// would see the value if it were there.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed class SecretTypingTests(AgentHost host) : IClassFixture<AgentHost>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_secret_typed_by_the_model_reaches_the_desktop_exactly_and_is_found_nowhere_else()
    {
        host.Llm.Reset();
        // Hex after a fixed prefix: nothing the shell, the keyboard map or a JSON encoder would change.
        var value = "Vx" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var name = $"e2e-{Guid.NewGuid():N}"[..20];
        var reference = $"{{{{secret:{name}}}}}";
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), $"bytebot-vault-{Guid.NewGuid():N}.txt");
        (await host.Client.PostAsJsonAsync("/api/secrets", new { name, value }, Ct)).EnsureSuccessStatusCode();
        host.Llm.Script(FakeLlmServer.AnthropicMessages, AgentScripts.Replies("anthropic",
            new ScriptedCall("computer_application", new { application = "terminal" }),
            // Not marked isSensitive: the reference alone keeps the value out of every record.
            new ScriptedCall("computer_type_text", new { text = $" echo {reference} > {file}\n" }),
            AgentScripts.Complete("Typed the password.")));
        try
        {
            var id = await host.CreateTaskAsync($"type the password {reference} into {file}", "anthropic", AgentHost.Claude);
            var task = await host.WaitForStatusAsync(id, Generous, "COMPLETED", "FAILED", "NEEDS_HELP");

            task.GetProperty("status").GetString().ShouldBe("COMPLETED", task.ToString());
            (await WaitForFileAsync(file)).ShouldBe(value + "\n");

            var tables = await TablesHoldingAsync(value);
            tables.ShouldBeEmpty();
            (await TablesHoldingAsync(reference)).ShouldContain("public.mt_events");

            var logs = string.Join('\n', host.Logs.Entries);
            logs.ShouldNotContain(value);
            logs.ShouldContain(id.ToString());

            host.Llm.Requests.ShouldAllBe(r => !r.Body.ToString().Contains(value, StringComparison.Ordinal)
                && !r.Path.Contains(value, StringComparison.Ordinal));
            var turns = host.Llm.Bodies(FakeLlmServer.AnthropicMessages).Select(b => b.ToString()).ToList();
            turns.Count.ShouldBe(3);
            turns[^1].ShouldContain(reference);

            foreach (var path in new[] { $"/tasks/{id}", "/tasks" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.ParseAdd("text/html");
                using var response = await host.Client.SendAsync(request, Ct);
                response.EnsureSuccessStatusCode();
                (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain(value);
            }
            // The prerendered HTML has no task yet (the page loads once interactive): the page as the browser shows it.
            await using var browser = await Browsers.LaunchChromiumAsync();
            var page = await browser.NewPageAsync();
            await DashboardBrowser.SignInAsync(page, host.BaseUrl, host.Factory.Token, $"/tasks/{id}");
            await Assertions.Expect(page.Locator("[data-timeline]")).ToContainTextAsync("computer_type_text");
            await Assertions.Expect(page.GetByRole(AriaRole.Log)).ToContainTextAsync("Typed the password.");
            var rendered = await page.ContentAsync();
            rendered.ShouldNotContain(value);
            rendered.ShouldContain(name);

            DataDirFilesHolding(value).ShouldBeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Every user table whose rows, as text (all columns, jsonb and headers included), hold <paramref name="text"/>.</summary>
    private async Task<List<string>> TablesHoldingAsync(string text)
    {
        var tables = await TasksHost.RowsAsync(host.ConnectionString, """
            select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """);
        tables.Count.ShouldBeGreaterThan(20);
        var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
        var holding = new List<string>();
        foreach (var table in tables.Select(t => (string)t[0]!))
        {
            var count = await TasksHost.ScalarAsync<long>(host.ConnectionString,
                $"select count(*) from {table} t where strpos(t::text, $1) > 0 or strpos(t::text, $2) > 0", text, hex);
            if (count > 0)
                holding.Add(table);
        }
        return holding;
    }

    private List<string> DataDirFilesHolding(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(host.Factory.DataDir, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length < 64 * 1024 * 1024)
            .Where(f =>
            {
                try
                {
                    return File.ReadAllBytes(f).AsSpan().IndexOf(bytes) >= 0;
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })];
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        // The shell writes after the Return key; the task may complete a moment before the file is flushed.
        for (var i = 0; i < 50 && !File.Exists(path); i++)
            await Task.Delay(100, Ct);
        File.Exists(path).ShouldBeTrue($"{path} was not written");
        return await File.ReadAllTextAsync(path, Ct);
    }
}
