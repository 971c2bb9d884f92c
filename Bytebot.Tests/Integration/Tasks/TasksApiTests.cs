using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Tasks;

/// <summary>The tasks API on the shared host, which has no agent: tasks stay PENDING in the queue.</summary>
[Collection("host")]
public sealed class TasksApiTests(HostFixture host)
{
    private static readonly string[] Operations = ["CreateTask", "ListTasks", "ListModels", "GetTask", "ListMessages", "ListRawMessages",
            "ListProcessedMessages", "AddMessage", "TakeOverTask", "ResumeTask", "CancelTask", "DeleteTask", "StreamTaskEvents",
            "GetTaskTimeline", "DownloadTaskFile"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task ShouldBeProblemNamingAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await JsonAsync(response);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue($"the problem names '{field}': {problem}");
    }

    [Fact]
    public async Task Creating_a_task_returns_201_with_Bytebots_shape_and_it_waits_pending_without_an_agent()
    {
        using var client = host.Factory.CreateAuthenticatedClient();

        using var response = await client.PostAsJsonAsync("/api/tasks", new { description = "Open the browser", priority = "HIGH" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var task = await JsonAsync(response);
        task.GetProperty("description").GetString().ShouldBe("Open the browser");
        task.GetProperty("status").GetString().ShouldBe("PENDING");
        task.GetProperty("priority").GetString().ShouldBe("HIGH");
        task.GetProperty("type").GetString().ShouldBe("IMMEDIATE");
        task.GetProperty("control").GetString().ShouldBe("ASSISTANT");
        task.GetProperty("createdBy").GetString().ShouldBe("USER");
        task.GetProperty("model").GetProperty("name").GetString().ShouldNotBeNullOrEmpty();
        task.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        var id = task.GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/tasks/{id}");

        var messages = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages", Ct);
        messages.GetArrayLength().ShouldBe(1);
        messages[0].GetProperty("role").GetString().ShouldBe("USER");
        messages[0].GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("Open the browser");
        await Task.Delay(500, Ct);
        (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct)).GetProperty("status").GetString().ShouldBe("PENDING");
    }

    [Fact]
    public async Task Files_sent_as_base64_are_stored_as_blobs_listed_as_metadata_and_downloadable()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var bytes = Encoding.UTF8.GetBytes("hello, desktop");

        var id = await TasksHost.CreateTaskAsync(client, new
        {
            description = "Read the file",
            files = new[] { new { name = "notes.txt", base64 = "data:text/plain;base64," + Convert.ToBase64String(bytes), type = "text/plain", size = bytes.Length } },
        });

        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}", Ct);
        var file = task.GetProperty("files")[0];
        file.GetProperty("name").GetString().ShouldBe("notes.txt");
        file.GetProperty("size").GetInt64().ShouldBe(bytes.Length);
        file.TryGetProperty("data", out _).ShouldBeFalse("never the bytes");
        file.TryGetProperty("base64", out _).ShouldBeFalse("never the bytes");
        (await client.GetByteArrayAsync(file.GetProperty("url").GetString(), Ct)).ShouldBe(bytes);
        var messages = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages", Ct);
        messages[0].GetProperty("content")[0].GetProperty("text").GetString().ShouldEndWith("File notes.txt written to desktop.");
    }

    [Fact]
    public async Task Multipart_creation_accepts_fields_and_files()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Summarise the report"), "description" },
            { new StringContent("URGENT"), "priority" },
            { new ByteArrayContent([1, 2, 3]), "files", "report.bin" },
        };

        using var response = await client.PostAsync(new Uri("/api/tasks", UriKind.Relative), form, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var task = await JsonAsync(response);
        task.GetProperty("priority").GetString().ShouldBe("URGENT");
        task.GetProperty("files")[0].GetProperty("name").GetString().ShouldBe("report.bin");
    }

    public static TheoryData<string, string> InvalidCreations() => new()
    {
        { """{"description": ""}""", "description" },
        { """{"priority": "LOW"}""", "description" },
        { """{"description": "x", "priority": "SOON"}""", "priority" },
        { """{"description": "x", "type": "LATER"}""", "type" },
        { """{"description": "x", "type": "SCHEDULED"}""", "scheduledFor" },
        { """{"description": "x", "scheduledFor": "tomorrow"}""", "scheduledFor" },
        { """{"description": "x", "createdBy": "ROBOT"}""", "createdBy" },
        { """{"description": "x", "model": {"provider": "", "name": ""}}""", "model" },
        { """{"description": "x", "files": [{"name": "a.txt", "base64": "%%%"}]}""", "files[0].base64" },
        { """{"description": "x", "files": [{"name": "../etc/passwd", "base64": "AA=="}]}""", "files[0].name" },
        { """{"description": 5}""", "description" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreations))]
    public async Task Invalid_creations_are_refused_with_problem_json_naming_the_field_and_write_nothing(string body, string field)
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var before = (await client.GetFromJsonAsync<JsonElement>("/api/tasks?limit=1", Ct)).GetProperty("total").GetInt64();

        using var response = await client.PostAsync(new Uri("/api/tasks", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await ShouldBeProblemNamingAsync(response, HttpStatusCode.BadRequest, field);
        (await client.GetFromJsonAsync<JsonElement>("/api/tasks?limit=1", Ct)).GetProperty("total").GetInt64().ShouldBeLessThanOrEqualTo(before + 2,
            "other tests may create tasks meanwhile, but this one wrote none");
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_by_status_and_statuses()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var first = await TasksHost.CreateTaskAsync(client, new { description = "list one" });
        var second = await TasksHost.CreateTaskAsync(client, new { description = "list two" });
        (await client.PostAsync(new Uri($"/api/tasks/{first}/cancel", UriKind.Relative), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var page = await client.GetFromJsonAsync<JsonElement>("/api/tasks?page=1&limit=2", Ct);
        page.GetProperty("tasks").GetArrayLength().ShouldBe(2);
        page.GetProperty("tasks")[0].GetProperty("createdAt").GetDateTimeOffset()
            .ShouldBeGreaterThanOrEqualTo(page.GetProperty("tasks")[1].GetProperty("createdAt").GetDateTimeOffset());
        var total = page.GetProperty("total").GetInt64();
        page.GetProperty("totalPages").GetInt64().ShouldBe((total + 1) / 2);

        var cancelled = await client.GetFromJsonAsync<JsonElement>("/api/tasks?status=CANCELLED&limit=200", Ct);
        cancelled.GetProperty("tasks").EnumerateArray().ShouldAllBe(t => t.GetProperty("status").GetString() == "CANCELLED");
        cancelled.GetProperty("tasks").EnumerateArray().ShouldContain(t => t.GetProperty("id").GetGuid() == first);
        var both = await client.GetFromJsonAsync<JsonElement>("/api/tasks?statuses=PENDING,CANCELLED&limit=200", Ct);
        both.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ShouldContain(second);
        both.GetProperty("statusCounts").GetProperty("CANCELLED").GetInt64().ShouldBeGreaterThanOrEqualTo(1);

        // Several statuses merge one walk per status; their pages must be the filtered list, in order, without gaps.
        var all = await client.GetFromJsonAsync<JsonElement>("/api/tasks?limit=200", Ct);
        var expected = all.GetProperty("tasks").EnumerateArray()
            .Where(t => t.GetProperty("status").GetString() is "PENDING" or "CANCELLED")
            .Select(t => t.GetProperty("id").GetGuid()).ToList();
        var paged = new List<Guid>();
        for (var number = 1; number <= (expected.Count + 2) / 3 + 1; number++)
        {
            var part = await client.GetFromJsonAsync<JsonElement>($"/api/tasks?statuses=CANCELLED,PENDING&limit=3&page={number}", Ct);
            paged.AddRange(part.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
        }
        paged.ShouldBe(expected);
    }

    [Theory]
    [InlineData("/api/tasks?page=0", "page")]
    [InlineData("/api/tasks?limit=1000", "limit")]
    [InlineData("/api/tasks?limit=ten", "limit")]
    [InlineData("/api/tasks?status=DONE", "status")]
    [InlineData("/api/tasks?statuses=PENDING,NOPE", "statuses")]
    public async Task Invalid_list_queries_are_problem_json_naming_the_parameter(string url, string field)
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Ct);
        await ShouldBeProblemNamingAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/messages")]
    [InlineData("GET", "/messages/raw")]
    [InlineData("GET", "/messages/processed")]
    [InlineData("POST", "/messages")]
    [InlineData("POST", "/takeover")]
    [InlineData("POST", "/resume")]
    [InlineData("POST", "/cancel")]
    [InlineData("DELETE", "")]
    [InlineData("GET", "/events")]
    [InlineData("GET", "/timeline")]
    public async Task An_unknown_task_id_is_a_404_problem(string method, string suffix)
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/tasks/{Guid.NewGuid()}{suffix}")
        {
            Content = method == "POST" ? JsonContent.Create(new { message = "hi" }) : null,
        };
        using var response = await client.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Adding_a_message_appends_a_user_text_message_and_validates_it()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "chat" });

        using var added = await client.PostAsJsonAsync($"/api/tasks/{id}/messages", new { message = "also check mail" }, Ct);
        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await JsonAsync(added)).GetProperty("status").GetString().ShouldBe("PENDING");
        var raw = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages/raw?limit=10&page=1", Ct);
        raw.GetArrayLength().ShouldBe(2);
        raw[1].GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("also check mail");
        (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/messages?limit=1&page=2", Ct)).GetArrayLength().ShouldBe(1);

        using var empty = await client.PostAsJsonAsync($"/api/tasks/{id}/messages", new { message = " " }, Ct);
        await ShouldBeProblemNamingAsync(empty, HttpStatusCode.BadRequest, "message");
        using var badPage = await client.GetAsync(new Uri($"/api/tasks/{id}/messages?page=-1", UriKind.Relative), Ct);
        await ShouldBeProblemNamingAsync(badPage, HttpStatusCode.BadRequest, "page");
    }

    [Fact]
    public async Task Takeover_resume_and_cancel_follow_Bytebots_control_rules_and_touch_only_their_task()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "control" });
        var bystander = await TasksHost.CreateTaskAsync(client, new { description = "bystander" });
        Task<HttpResponseMessage> Post(string action) => client.PostAsync(new Uri($"/api/tasks/{id}/{action}", UriKind.Relative), null, Ct);

        (await Post("resume")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var takenOver = await Post("takeover");
        takenOver.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonAsync(takenOver)).GetProperty("control").GetString().ShouldBe("USER");
        using var twice = await Post("takeover");
        twice.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        twice.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var resumed = await Post("resume");
        var task = await JsonAsync(resumed);
        task.GetProperty("control").GetString().ShouldBe("ASSISTANT");
        task.GetProperty("status").GetString().ShouldBe("RUNNING");
        using var cancelled = await Post("cancel");
        (await JsonAsync(cancelled)).GetProperty("status").GetString().ShouldBe("CANCELLED");
        (await Post("cancel")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var other = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{bystander}", Ct);
        other.GetProperty("status").GetString().ShouldBe("PENDING");
        other.GetProperty("control").GetString().ShouldBe("ASSISTANT");
    }

    [Fact]
    public async Task Deleting_a_task_answers_204_and_then_404()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "delete me" });

        (await client.DeleteAsync(new Uri($"/api/tasks/{id}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await client.GetAsync(new Uri($"/api/tasks/{id}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.DeleteAsync(new Uri($"/api/tasks/{id}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Models_without_configuration_are_an_empty_list_with_a_hint()
    {
        using var client = host.Factory.CreateAuthenticatedClient();

        using var response = await client.GetAsync(new Uri("/api/tasks/models", UriKind.Relative), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonAsync(response)).GetArrayLength().ShouldBe(0);
        response.Headers.GetValues("X-Bytebot-Hint").Single().ShouldContain("ANTHROPIC_API_KEY");
    }

    [Fact]
    public async Task The_event_stream_replays_history_and_resumes_after_Last_Event_ID()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "stream me" });

        var first = await ReadEventsAsync(client, id, lastEventId: null, count: 2);
        first.Select(e => e.Type).ShouldBe(["tasks.task_created", "tasks.message_added"]);

        await client.PostAsJsonAsync($"/api/tasks/{id}/messages", new { message = "live" }, Ct);
        var resumed = await ReadEventsAsync(client, id, lastEventId: first[1].Id, count: 1);
        resumed.Single().Type.ShouldBe("tasks.message_added");
        resumed.Single().Id.ShouldBeGreaterThan(first[1].Id);

        using var bad = await client.GetAsync(new Uri($"/api/tasks/{id}/events?lastEventId=abc", UriKind.Relative), Ct);
        await ShouldBeProblemNamingAsync(bad, HttpStatusCode.BadRequest, "Last-Event-ID");
    }

    [Fact]
    public async Task Live_events_arrive_on_an_open_stream()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "live stream" });
        var reading = ReadEventsAsync(client, id, lastEventId: null, count: 3);
        await Task.Delay(300, Ct);

        await client.PostAsync(new Uri($"/api/tasks/{id}/cancel", UriKind.Relative), null, Ct);

        (await reading)[2].Type.ShouldBe("tasks.task_cancelled");
    }

    [Fact]
    public async Task The_timeline_of_a_task_that_has_not_run_is_empty()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        var id = await TasksHost.CreateTaskAsync(client, new { description = "timeline" });

        (await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/timeline", Ct)).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_tasks_endpoint_and_needs_authentication()
    {
        using var anonymous = host.Factory.CreateAnonymousClient();
        (await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var client = host.Factory.CreateAuthenticatedClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.TryGetProperty("operationId", out var op) ? op.GetString() : null))
            .ToHashSet();
        Operations.Where(o => !operations.Contains(o)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Tasks_endpoints_answer_401_without_credentials()
    {
        using var client = host.Factory.CreateAnonymousClient();
        (await client.GetAsync(new Uri("/api/tasks", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/tasks", new { description = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync(new Uri($"/api/tasks/{Guid.NewGuid()}/events", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    internal static async Task<List<(long Id, string Type, JsonElement Data)>> ReadEventsAsync(HttpClient client, Guid id, long? lastEventId, int count)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tasks/{id}/events");
        if (lastEventId is { } last)
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<(long, string, JsonElement)>();
        long eventId = 0;
        string? type = null;
        while (events.Count < count && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
                eventId = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
                type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add((eventId, type!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
        }
        return events;
    }
}
