// Compiled at test time together with the client Kiota generates from the served /openapi/v1.json: it uses the
// generated types only, as an automation user's program would. What it saw goes back to the test to assert on.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Bytebot.Client;
using Bytebot.Client.Api.Tasks;
using Bytebot.Client.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Bytebot.ClientDriver;

public static class Driver
{
    public static async Task<Dictionary<string, string>> RunAsync(string baseUrl, string token, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>();
        var client = Connect(baseUrl, token);

        var shot = (await client.ComputerUse.PostAsComputerUsePostResponseAsync(
            new() { ScreenshotAction = new() { Action = "screenshot" } }, cancellationToken: ct))!.ComputerScreenshot!;
        var png = Convert.FromBase64String(shot.Image!);
        seen["screenshot"] = $"{shot.Width}x{shot.Height} {shot.Format} {Convert.ToHexString(png, 0, 4)}";

        var clicked = await client.ComputerUse.PostAsComputerUsePostResponseAsync(new()
        {
            ClickMouseAction = new()
            {
                Action = "click_mouse", Button = ClickMouseAction_button.Left, ClickCount = 1,
                Coordinates = new() { X = 101, Y = 123 },
            },
        }, cancellationToken: ct);
        seen["click"] = clicked is null ? "no body" : "a body";
        var cursor = (await client.ComputerUse.PostAsComputerUsePostResponseAsync(
            new() { CursorPositionAction = new() { Action = "cursor_position" } }, cancellationToken: ct))!.ComputerCursorPosition!;
        seen["cursor"] = $"{cursor.X},{cursor.Y}";
        await client.ComputerUse.PostAsComputerUsePostResponseAsync(
            new() { TypeTextAction = new() { Action = "type_text", Text = "typed by a generated client" } }, cancellationToken: ct);
        seen["type"] = "done";

        var content = "invoice 42, due 2026-12-31\n"u8.ToArray();
        var created = (await client.Api.Tasks.PostAsync(new TasksPostRequestBody
        {
            Description = "Read notes.txt on the desktop",
            Type = TasksPostRequestBody_type.SCHEDULED,
            ScheduledFor = DateTimeOffset.UtcNow.AddHours(1),
            Priority = TasksPostRequestBody_priority.HIGH,
            Files = [new TasksPostRequestBody_files { Name = "notes.txt", Base64 = Convert.ToBase64String(content), Type = "text/plain" }],
        }, cancellationToken: ct))!;
        seen["created"] = $"{created.Status} {created.Priority}";

        var read = (await client.Api.Tasks[created.Id!.Value].GetAsync(cancellationToken: ct))!;
        var file = read.Files!.Single();
        seen["read"] = $"{read.Description} | {file.Name} {file.Size} {file.Type}";

        var cancelled = (await client.Api.Tasks[created.Id.Value].Cancel.PostAsync(cancellationToken: ct))!;
        seen["cancelled"] = cancelled.Status!;

        await using (var blob = (await client.Api.Blobs[file.Sha256!].GetAsync(cancellationToken: ct))!)
        using (var copy = new MemoryStream())
        {
            await blob.CopyToAsync(copy, ct);
            seen["blob"] = copy.ToArray().AsSpan().SequenceEqual(content) ? "identical" : "different";
        }
        await using (var part = (await client.Api.Tasks[created.Id.Value].Files[file.Id!.Value]
            .GetAsync(request => request.Headers.Add("Range", "bytes=0-9"), ct))!)
        using (var reader = new StreamReader(part))
            seen["range"] = await reader.ReadToEndAsync(ct);

        try
        {
            await Connect(baseUrl, "wrong-" + token).Api.Tasks.GetAsync(cancellationToken: ct);
            seen["wrong token"] = "accepted";
        }
        catch (ApiException refused)
        {
            seen["wrong token"] = $"{refused.GetType().Name} {refused.ResponseStatusCode}"
                + (refused is ProblemDetails problem ? $" {problem.Title}" : "");
        }
        return seen;
    }

    // The bearer token as a default header: Kiota's bearer provider refuses plain http, and the host is on loopback.
    private static BytebotClient Connect(string baseUrl, string token)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BytebotClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = baseUrl,
        });
    }
}
