using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

internal static class ComputerUseClient
{
    public static async Task<HttpResponseMessage> PostActionAsync(this HttpClient client, string json) =>
        await client.PostAsync(new Uri("/computer-use", UriKind.Relative),
            new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostActionAsync(this HttpClient client, object body) =>
        client.PostActionAsync(JsonSerializer.Serialize(body));

    public static async Task ShouldBeEmptyCreatedAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        body.ShouldBeEmpty();
    }

    public static async Task<JsonElement> ShouldBeJsonCreatedAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Asserts a 400 problem+json whose <c>errors</c> has <paramref name="field"/>; returns that field's messages.</summary>
    public static async Task<string> ShouldBeRejectedAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(body).RootElement;
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue(body);
        errors.TryGetProperty(field, out var messages).ShouldBeTrue($"no error for '{field}' in {body}");
        body.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        return messages.ToString();
    }

    public static Task<T?> ReadJsonAsync<T>(this HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<T>(TestContext.Current.CancellationToken);
}
