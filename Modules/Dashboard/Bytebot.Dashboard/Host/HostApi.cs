using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Agent.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Dashboard.Host;

/// <summary>
/// The modules' HTTP API, called from the circuit on the host's own loopback listener with the signed-in user's
/// cookie. Reads and writes go through the same endpoints, validation and problem details as every other client
/// (the Tasks and Files contracts have no in-process commands yet), and an expired session answers 401, which
/// sends the browser to the sign-in page. Live changes come in-process from <c>ITaskNotifications</c> instead.
/// </summary>
internal sealed class HostApi
{
    public const string ClientName = "Bytebot.Dashboard.HostApi";

    private readonly HttpClient _client;
    private readonly NavigationManager _navigation;

    public HostApi(IHttpClientFactory clients, IHttpContextAccessor http, IServer server, NavigationManager navigation)
    {
        _navigation = navigation;
        _client = clients.CreateClient(ClientName);
        _client.BaseAddress = LoopbackAddress(server);
        // The circuit's HttpContext is the WebSocket request that opened it; its cookie is the user's session.
        if (http.HttpContext?.Request.Headers.Cookie.ToString() is { Length: > 0 } cookie)
            _client.DefaultRequestHeaders.Add("Cookie", cookie);
        // The host refuses cookie-authenticated writes without it (ADR 0012); this client is the dashboard's own.
        _client.DefaultRequestHeaders.Add("X-Bytebot-Request", "1");
    }

    public Task<TaskListPage> ListTasksAsync(
        int page, int limit, IReadOnlyList<string> statuses, string? tag, CancellationToken ct)
    {
        var query = $"/api/tasks?page={page}&limit={limit}";
        if (statuses.Count > 0)
            query += "&statuses=" + string.Join(',', statuses);
        if (!string.IsNullOrEmpty(tag))
            query += "&tag=" + Escape(tag);
        return SendAsync<TaskListPage>(new HttpRequestMessage(HttpMethod.Get, query), ct);
    }

    /// <summary>The newest tasks whose description contains <paramref name="text"/> (the command palette).</summary>
    public Task<TaskListPage> SearchTasksAsync(string text, int limit, CancellationToken ct) =>
        SendAsync<TaskListPage>(
            new HttpRequestMessage(HttpMethod.Get, $"/api/tasks?limit={limit}&search={Escape(text)}"), ct);

    public Task<TaskItem> GetTaskAsync(Guid id, CancellationToken ct) =>
        SendAsync<TaskItem>(new HttpRequestMessage(HttpMethod.Get, $"/api/tasks/{id}"), ct);

    public Task<TaskItem> CreateTaskAsync(NewTask task, CancellationToken ct)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(task.Description), "description" },
            { new StringContent(task.Priority), "priority" },
        };
        if (task.Model is { } model)
            form.Add(new StringContent(JsonSerializer.Serialize(model, JsonSerializerOptions.Web)), "model");
        if (task.ScheduledFor is { } at)
        {
            form.Add(new StringContent("SCHEDULED"), "type");
            var when = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            form.Add(new StringContent(when), "scheduledFor");
        }
        AddFiles(form, task.Files, task.MaxBytes);
        return SendAsync<TaskItem>(new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = form }, ct);
    }

    public Task ControlAsync(Guid id, string action, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{id}/{action}"), ct);

    public Task AddMessageAsync(Guid id, string message, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{id}/messages")
        {
            Content = JsonContent.Create(new { message }),
        }, ct);

    public Task<List<ApprovalNotice>> PendingApprovalsAsync(CancellationToken ct) =>
        SendAsync<List<ApprovalNotice>>(new HttpRequestMessage(HttpMethod.Get, "/api/approvals?status=pending"), ct);

    /// <summary>Approves or denies (<paramref name="verdict"/> <c>approve</c> or <c>deny</c>); 409 when it is no
    /// longer pending.</summary>
    public Task<ApprovalNotice> DecideApprovalAsync(Guid id, string verdict, string? note, CancellationToken ct) =>
        SendAsync<ApprovalNotice>(new HttpRequestMessage(HttpMethod.Post, $"/api/approvals/{id}/{verdict}")
        {
            Content = JsonContent.Create(new { note }),
        }, ct);

    public Task<List<WebhookItem>> ListWebhooksAsync(CancellationToken ct) =>
        SendAsync<List<WebhookItem>>(new HttpRequestMessage(HttpMethod.Get, "/api/webhooks"), ct);

    /// <summary>Queues a signed <c>webhook.test</c> message to the subscription; answers its <c>webhook-id</c>.</summary>
    public async Task<string> TestWebhookAsync(Guid id, CancellationToken ct) =>
        (await SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{id}/test"), ct))
        .String("messageId") ?? "";

    public Task<List<WebhookAttempt>> WebhookDeliveriesAsync(Guid id, CancellationToken ct) =>
        SendAsync<List<WebhookAttempt>>(new HttpRequestMessage(HttpMethod.Get, $"/api/webhooks/{id}/deliveries"), ct);

    public Task<TaskFileList> TaskFilesAsync(Guid id, CancellationToken ct) =>
        SendAsync<TaskFileList>(new HttpRequestMessage(HttpMethod.Get, $"/api/tasks/{id}/files"), ct);

    public Task<FolderListing> ListFolderAsync(string path, CancellationToken ct) =>
        SendAsync<FolderListing>(new HttpRequestMessage(HttpMethod.Get, $"/api/files?path={Escape(path)}"), ct);

    public Task UploadAsync(string folder, IReadOnlyList<IBrowserFile> files, long maxBytes, bool overwrite,
        CancellationToken ct)
    {
        var form = new MultipartFormDataContent();
        AddFiles(form, files, maxBytes);
        var url = $"/api/files?path={Uri.EscapeDataString(folder)}" + (overwrite ? "&overwrite=true" : "");
        return SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Post, url) { Content = form }, ct);
    }

    public Task CreateFolderAsync(string path, CancellationToken ct) =>
        SendAsync<JsonElement>(
            new HttpRequestMessage(HttpMethod.Post, $"/api/files/directory?path={Escape(path)}"), ct);

    public Task MoveAsync(string path, string to, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Post,
            $"/api/files/move?path={Uri.EscapeDataString(path)}&to={Uri.EscapeDataString(to)}"), ct);

    public Task DeleteAsync(string path, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Delete, $"/api/files?path={Escape(path)}"), ct);

    /// <summary>One Bytebot computer-use action (the desktop page's screenshot and launchers).</summary>
    public Task<JsonElement> ComputerUseAsync(object action, CancellationToken ct) =>
        SendAsync<JsonElement>(
            new HttpRequestMessage(HttpMethod.Post, "/computer-use") { Content = JsonContent.Create(action) }, ct);

    /// <summary>Changes the managed desktop's screen size (the desktop page's resolution selector).</summary>
    public Task ChangeResolutionAsync(int width, int height, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Put, "/api/desktop/resolution")
        {
            Content = JsonContent.Create(new { width, height }),
        }, ct);

    /// <summary>The last 30 days (UTC) per day or per model (<paramref name="by"/> <c>day</c> or <c>model</c>).</summary>
    public Task<UsageReportItem> GetUsageAsync(string by, CancellationToken ct) =>
        SendAsync<UsageReportItem>(new HttpRequestMessage(HttpMethod.Get, $"/api/usage?by={by}"), ct);

    public Task<List<ScheduleItem>> ListSchedulesAsync(CancellationToken ct) =>
        SendAsync<List<ScheduleItem>>(new HttpRequestMessage(HttpMethod.Get, "/api/schedules"), ct);

    /// <summary>A schedule with its recent occurrences, newest first.</summary>
    public Task<ScheduleItem> GetScheduleAsync(Guid id, CancellationToken ct) =>
        SendAsync<ScheduleItem>(new HttpRequestMessage(HttpMethod.Get, $"/api/schedules/{id}"), ct);

    public Task<ScheduleItem> CreateScheduleAsync(NewSchedule schedule, CancellationToken ct) =>
        SendAsync<ScheduleItem>(new HttpRequestMessage(HttpMethod.Post, "/api/schedules")
        {
            Content = JsonContent.Create(schedule, options: JsonSerializerOptions.Web),
        }, ct);

    /// <summary>Pauses or resumes (<paramref name="action"/> <c>pause</c> or <c>resume</c>).</summary>
    public Task<ScheduleItem> ControlScheduleAsync(Guid id, string action, CancellationToken ct) =>
        SendAsync<ScheduleItem>(new HttpRequestMessage(HttpMethod.Post, $"/api/schedules/{id}/{action}"), ct);

    public Task DeleteScheduleAsync(Guid id, CancellationToken ct) =>
        SendAsync<JsonElement>(new HttpRequestMessage(HttpMethod.Delete, $"/api/schedules/{id}"), ct);

    public Task<List<NodeItem>> ListNodesAsync(CancellationToken ct) =>
        SendAsync<List<NodeItem>>(new HttpRequestMessage(HttpMethod.Get, "/api/nodes"), ct);

    /// <summary>Drains the node (it finishes its running tasks and takes no new ones) or undrains it.</summary>
    public Task<NodeItem> SetDrainingAsync(string node, bool draining, CancellationToken ct) =>
        SendAsync<NodeItem>(new HttpRequestMessage(HttpMethod.Post,
            $"/api/nodes/{Escape(node)}/{(draining ? "drain" : "undrain")}"), ct);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static void AddFiles(MultipartFormDataContent form, IReadOnlyList<IBrowserFile> files, long maxBytes)
    {
        foreach (var file in files)
        {
            var content = new StreamContent(file.OpenReadStream(maxBytes));
            content.Headers.ContentType = new MediaTypeHeaderValue(
                string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType);
            form.Add(content, "files", file.Name);
        }
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _client.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var here = "/" + _navigation.ToBaseRelativePath(_navigation.Uri);
                _navigation.NavigateTo("/login?returnUrl=" + Escape(here), forceLoad: true);
                throw new HostApiException("The session expired; sign in again.", 401);
            }
            if (!response.IsSuccessStatusCode)
            {
                var (text, fields) = await ProblemAsync(response, ct);
                throw new HostApiException(text, (int)response.StatusCode) { Fields = fields };
            }
            if (response.Content.Headers.ContentLength == 0 || response.StatusCode == HttpStatusCode.NoContent)
                return default!;
            return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct))!;
        }
    }

    private static async Task<(string Text, IReadOnlyDictionary<string, string> Fields)> ProblemAsync(
        HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                var fields = errors.EnumerateObject().ToDictionary(field => field.Name, field =>
                    field.Value.ValueKind == JsonValueKind.Array
                        ? string.Join(' ', field.Value.EnumerateArray().Select(m => m.GetString()))
                        : field.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                return (string.Join("; ", fields.Select(field => $"{field.Key}: {field.Value}")), fields);
            }
            foreach (var name in new[] { "detail", "title" })
            {
                if (problem.TryGetProperty(name, out var text) && text.GetString() is { Length: > 0 } message)
                    return (message, NoFields);
            }
        }
        catch (JsonException)
        {
            // Not problem+json: the status line says enough.
        }
        return ($"{(int)response.StatusCode} {response.ReasonPhrase}", NoFields);
    }

    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    private static Uri LoopbackAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault() ?? "http://127.0.0.1:9990";
        var uri = new UriBuilder(address.Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal));
        // A wildcard listener is reachable on loopback; calling it there keeps this traffic off the network.
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
            uri.Host = "127.0.0.1";
        return uri.Uri;
    }
}

internal sealed class HostApiException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The problem's <c>errors</c>, field name (case-insensitive) to message; empty when it named none.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();
}
