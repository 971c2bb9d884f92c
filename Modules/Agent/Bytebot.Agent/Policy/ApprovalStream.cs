using System.Globalization;
using System.Text.Json;
using Bytebot.Agent.Contracts;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Agent.Policy;

/// <summary>
/// <c>GET /api/approvals/stream</c>: the pending approvals, then each new approval and each decision, as server-sent
/// events. A client holding it open is an approver: while one is connected, an <c>ask</c> waits for a decision.
/// </summary>
internal sealed class ApprovalStream : IApproverPresence
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private int _open;

    public int Reachable => Volatile.Read(ref _open);

    public async Task<IResult> ServeAsync(
        HttpContext context, ApprovalBook book, IApprovalFeed feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        // Subscribed before the pending ones are read, so none raised in between is missed.
        using var live = feed.Subscribe();
        Interlocked.Increment(ref _open);
        try
        {
            response.Headers.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.Body.FlushAsync(cancellationToken);
            foreach (var pending in (await book.ListAsync(ApprovalStatus.Pending, cancellationToken)).Reverse())
                await WriteAsync(response, pending.ToNotice(), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                try
                {
                    await WriteAsync(response, await live.Reader.ReadAsync(wait.Token), cancellationToken);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
        return TypedResults.Empty;
    }

    private static async Task WriteAsync(
        HttpResponse response, ApprovalNotice notice, CancellationToken cancellationToken)
    {
        var type = notice.Status == ApprovalStatus.Pending ? "approval_requested" : "approval_decided";
        var payload = JsonSerializer.Serialize(notice, JsonSerializerOptions.Web);
        await response.WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"id: {notice.Id}\nevent: {type}\ndata: {payload}\n\n"),
            cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
