using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Tasks.Contracts;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Files;

/// <summary>
/// A task's uploads land in {WorkspaceRoot}/Desktop when it first runs (never again on a resume), and what its agent
/// writes there is listed on the task and downloadable.
/// </summary>
public sealed class TaskWorkspaceFilesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly DesktopWritingAgent _agent = new();
    private FilesHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await FilesHost.StartAsync(postgres, _agent);
        _agent.Workspace = _host.Workspace;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Desktop => Path.Combine(_host.Workspace, "Desktop");

    [Fact]
    public async Task Uploads_are_written_to_the_desktop_on_the_first_run_and_not_rewritten_on_resume()
    {
        File.Exists(Path.Combine(Desktop, "notes.txt")).ShouldBeFalse();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("ask for help"), "description" },
            { new StringContent("first version"), "files", "notes.txt" },
            { new StringContent("evil"), "files", "../../escape.txt" },
        };
        // The second name is refused at creation; the task is created with a safe one instead.
        using var refused = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), form, Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var ok = new MultipartFormDataContent { { new StringContent("ask for help"), "description" }, { new StringContent("first version"), "files", "notes.txt" } };
        Directory.CreateDirectory(Desktop);
        await File.WriteAllTextAsync(Path.Combine(Desktop, "notes.txt"), "the user's own notes", Ct);
        using var created = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), ok, Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await _host.WaitForStatusAsync(id, "NEEDS_HELP");

        // The user's file keeps its name and bytes; the upload goes next to it.
        (await File.ReadAllTextAsync(Path.Combine(Desktop, "notes.txt"), Ct)).ShouldBe("the user's own notes");
        (await File.ReadAllTextAsync(Path.Combine(Desktop, "notes (1).txt"), Ct)).ShouldBe("first version");
        await File.WriteAllTextAsync(Path.Combine(Desktop, "notes (1).txt"), "edited during the takeover", Ct);

        (await _host.Client.PostAsync(new Uri($"/api/tasks/{id}/resume", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        await _host.WaitForStatusAsync(id, "COMPLETED");

        (await File.ReadAllTextAsync(Path.Combine(Desktop, "notes (1).txt"), Ct)).ShouldBe("edited during the takeover");
        Directory.EnumerateFiles(Desktop).Select(Path.GetFileName).Order().ShouldBe(["notes (1).txt", "notes.txt"]);
        Directory.EnumerateFiles(Path.GetDirectoryName(_host.Workspace)!, "escape.txt").ShouldBeEmpty();
        _agent.RunsResumed.ShouldContain(true);
    }

    [Fact]
    public async Task A_report_the_agent_writes_to_the_desktop_is_listed_on_the_task_and_its_download_matches()
    {
        var id = await CreateAsync(new { description = "write report", files = new[] { new { name = "input.csv", base64 = Convert.ToBase64String("a,b\n"u8.ToArray()) } } });
        await _host.WaitForStatusAsync(id, "COMPLETED");

        var listing = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/files", Ct);

        var files = listing.GetProperty("files").EnumerateArray().ToList();
        var report = files.Single(f => f.GetProperty("path").GetString() == "Desktop/report.csv");
        report.GetProperty("kind").GetString().ShouldBe("output");
        report.GetProperty("size").GetInt64().ShouldBe(DesktopWritingAgent.Report.Length);
        files.Single(f => f.GetProperty("path").GetString() == "Desktop/input.csv").GetProperty("kind").GetString().ShouldBe("input");
        listing.GetProperty("endedAt").ValueKind.ShouldBe(JsonValueKind.String);
        using var download = await _host.Client.GetAsync(new Uri(report.GetProperty("url").GetString()!, UriKind.Relative), Ct);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        (await download.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(DesktopWritingAgent.Report);

        // A file written after the task ended belongs to no task window of this one.
        await File.WriteAllTextAsync(Path.Combine(Desktop, "later.txt"), "later", Ct);
        File.SetLastWriteTimeUtc(Path.Combine(Desktop, "later.txt"), DateTime.UtcNow.AddMinutes(1));
        var again = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/files", Ct);
        again.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldNotContain("Desktop/later.txt");
        using var unknown = await _host.Client.GetAsync(new Uri($"/api/tasks/{Guid.CreateVersion7()}/files", UriKind.Relative), Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<Guid> CreateAsync(object body)
    {
        using var response = await _host.Client.PostAsJsonAsync("/api/tasks", body, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>"ask for help": needs help on the first run, completes on the resumed one. "write report": writes ~/Desktop/report.csv as a desktop action.</summary>
    private sealed class DesktopWritingAgent : ITaskAgent
    {
        public static readonly byte[] Report = Encoding.UTF8.GetBytes("name,total\nalpha,1\nbeta,2\n");

        public List<bool> RunsResumed { get; } = [];

        public string Workspace { get; set; } = "";

        public ITaskAgentRun Start(ITaskRunView task, ITaskRecorder recorder) => new StepRun(token => RunStepAsync(task, recorder, token));

        private async Task<StepOutcome> RunStepAsync(ITaskRunView context, ITaskRecorder recorder, CancellationToken cancellationToken)
        {
            lock (RunsResumed)
                RunsResumed.Add(context.Resumed);
            if (context.Description.StartsWith("ask", StringComparison.Ordinal))
                return context.Resumed ? StepOutcome.Complete() : StepOutcome.AskForHelp("please look");
            await recorder.ExecuteActionAsync("write_file", JsonSerializer.SerializeToElement(new { path = "report.csv" }), async (_, ct) =>
            {
                await File.WriteAllBytesAsync(Path.Combine(Workspace, "Desktop", "report.csv"), Report, ct);
                return new ActionResult(true);
            }, cancellationToken);
            return StepOutcome.Complete();
        }
    }
}
