using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bytebot.Tests.Fakes.Agent;
using Bytebot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bytebot.Tests.E2E;

/// <summary>The dashboard's file pane in Debian's Chromium: the desktop page's workspace browser and a task's files.</summary>
public sealed class FilePaneTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Desktop => Path.Combine(host.Workspace, "Desktop");

    [Fact]
    public async Task A_file_put_on_the_desktop_pane_is_listed_downloads_byte_for_byte_and_can_be_deleted()
    {
        var bytes = RandomNumberGenerator.GetBytes(150_000);
        var page = await host.OpenAsync("/desktop");
        var pane = page.Locator("[data-file-pane]");
        await Assertions.Expect(pane).ToHaveAttributeAsync("data-loaded", "true");

        await ChooseAsync(pane, "dropped.bin", bytes);

        var row = pane.Locator("[data-entry='Desktop/dropped.bin']");
        await Assertions.Expect(row).ToContainTextAsync("146 KiB");
        await Assertions.Expect(pane.GetByRole(AriaRole.Status)).ToHaveTextAsync("Uploaded dropped.bin to Desktop.");
        (await File.ReadAllBytesAsync(Path.Combine(Desktop, "dropped.bin"), Ct)).ShouldBe(bytes);
        await Screenshots.SaveAsync(page, "file-pane-desktop");

        var download = await page.RunAndWaitForDownloadAsync(() => pane.GetByRole(AriaRole.Link, new() { Name = "Download dropped.bin" }).ClickAsync());
        download.SuggestedFilename.ShouldBe("dropped.bin");
        (await File.ReadAllBytesAsync(await download.PathAsync(), Ct)).ShouldBe(bytes);

        // Delete asks inline; No keeps the file, Yes removes it from the list and the disk.
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete dropped.bin" }).ClickAsync();
        var confirm = row.GetByRole(AriaRole.Group, new() { Name = "Delete dropped.bin?" });
        await Assertions.Expect(confirm.GetByRole(AriaRole.Button, new() { Name = "No" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        File.Exists(Path.Combine(Desktop, "dropped.bin")).ShouldBeTrue();
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete dropped.bin" }).ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(pane.GetByRole(AriaRole.Status)).ToHaveTextAsync("Deleted dropped.bin.");
        await Assertions.Expect(pane.Locator("[data-file-list]")).ToBeFocusedAsync();
        File.Exists(Path.Combine(Desktop, "dropped.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_upload_button_puts_files_in_the_folder_shown_and_a_name_taken_is_offered_for_replacement()
    {
        var page = await host.OpenAsync("/desktop", ColorScheme.Dark);
        var pane = page.Locator("[data-file-pane]");
        await Assertions.Expect(pane).ToHaveAttributeAsync("data-loaded", "true");

        await pane.GetByRole(AriaRole.Button, new() { Name = "New folder" }).ClickAsync();
        await pane.GetByLabel("Folder name").FillAsync("Reports");
        await page.Keyboard.PressAsync("Enter");
        await pane.GetByText("Reports/", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(pane.Locator(".mud-breadcrumbs")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(
            "Workspace.*Desktop.*Reports"));
        await Assertions.Expect(pane).ToContainTextAsync("This folder is empty.");

        await ChooseAsync(pane, "q3.txt", "third quarter"u8.ToArray());
        await Assertions.Expect(pane.Locator("[data-entry='Desktop/Reports/q3.txt']")).ToBeVisibleAsync();
        (await File.ReadAllTextAsync(Path.Combine(Desktop, "Reports", "q3.txt"), Ct)).ShouldBe("third quarter");

        await ChooseAsync(pane, "q3.txt", "third quarter, revised"u8.ToArray());
        var alert = pane.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("q3.txt exists");
        (await File.ReadAllTextAsync(Path.Combine(Desktop, "Reports", "q3.txt"), Ct)).ShouldBe("third quarter");
        await Screenshots.SaveAsync(page, "file-pane-desktop-dark");
        await alert.GetByRole(AriaRole.Button, new() { Name = "Replace" }).ClickAsync();
        await Assertions.Expect(pane.GetByRole(AriaRole.Status)).ToHaveTextAsync("Uploaded q3.txt to Desktop/Reports.");
        (await File.ReadAllTextAsync(Path.Combine(Desktop, "Reports", "q3.txt"), Ct)).ShouldBe("third quarter, revised");

        await pane.GetByRole(AriaRole.Button, new() { Name = "Rename q3.txt" }).ClickAsync();
        await pane.GetByLabel("New name for q3.txt").FillAsync("q3-final.txt");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(pane.Locator("[data-entry='Desktop/Reports/q3-final.txt']")).ToBeVisibleAsync();
        File.Exists(Path.Combine(Desktop, "Reports", "q3-final.txt")).ShouldBeTrue();

        // A non-empty folder is not deleted; the API's reason is shown.
        await pane.Locator(".mud-breadcrumbs").GetByText("Desktop", new() { Exact = true }).ClickAsync();
        var folder = pane.Locator("[data-entry='Desktop/Reports']");
        await folder.GetByRole(AriaRole.Button, new() { Name = "Delete Reports" }).ClickAsync();
        await folder.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Assertions.Expect(alert).ToContainTextAsync("not empty");
        Directory.Exists(Path.Combine(Desktop, "Reports")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_report_the_agent_writes_shows_under_outputs_on_the_task_page_and_downloads_byte_for_byte()
    {
        var taskId = await CreateTaskAsync("Export the totals steps:2 hold:2 writes:report.csv", ("totals.csv", "region,total\nnorth,4\n"u8.ToArray()));
        var page = await host.OpenAsync($"/tasks/{taskId}");
        var pane = page.Locator("[data-file-pane]");
        await page.EvaluateAsync("() => window.notReloaded = true");

        var outputs = pane.Locator("[data-group='output']");
        await Assertions.Expect(outputs.GetByRole(AriaRole.Link, new() { Name = "report.csv" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(pane.Locator("[data-group='input']").GetByRole(AriaRole.Link, new() { Name = "totals.csv" })).ToBeVisibleAsync();
        host.Agent.Release(taskId);
        await Assertions.Expect(page.Locator(".task-page [data-status]").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        (await page.EvaluateAsync<bool>("() => window.notReloaded === true")).ShouldBeTrue();

        var download = await page.RunAndWaitForDownloadAsync(() => outputs.GetByRole(AriaRole.Link, new() { Name = "report.csv" }).ClickAsync());
        download.SuggestedFilename.ShouldBe("report.csv");
        (await File.ReadAllBytesAsync(await download.PathAsync(), Ct)).ShouldBe(ScriptedTaskAgent.Report);
        await pane.ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "file-pane-task");

        var dark = await host.OpenAsync($"/tasks/{taskId}", ColorScheme.Dark);
        // Outputs are the files changed while the task ran (±1 s): another test's file may sit beside the report.
        await Assertions.Expect(dark.Locator("[data-group='output']").GetByRole(AriaRole.Link, new() { Name = "report.csv" })).ToBeVisibleAsync();
        await Assertions.Expect(dark.Locator("[data-replay-pane] img")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(dark, "file-pane-task-dark");
    }

    // The drop zone is MudFileUpload's file input stretched over it: a drop and a pick both set its files (after a
    // pick it adds a fresh input for the next one, so the last is the live one).
    private static Task ChooseAsync(ILocator pane, string name, byte[] bytes) =>
        pane.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/plain", Buffer = bytes });

    private async Task<Guid> CreateTaskAsync(string description, (string Name, byte[] Bytes) input)
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var response = await client.PostAsJsonAsync("/api/tasks",
            new { description, files = new[] { new { name = input.Name, base64 = Convert.ToBase64String(input.Bytes) } } }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }
}
