using Bytebot.Tasks.Contracts;
using Bytebot.Tasks.Events;
using Bytebot.Tasks.ReadModels;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Bytebot.Tasks.Blobs;

/// <summary>
/// Which blobs each task's events name (uploaded files, images and documents in messages, action screenshots), for
/// the blob collector. Run by the async daemon: nothing in an append waits for it, and a replay is harmless.
/// </summary>
internal sealed class BlobReferencesProjection : IProjection
{
    public const string Name = "tasks_blob_references";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var db = new QueuedSql(operations);
        foreach (var recorded in events)
        {
            foreach (var sha256 in Named(recorded.Data).Distinct(StringComparer.Ordinal))
            {
                db.Exec("insert into task_blobs (sha256, task_id) values (?, ?) on conflict do nothing",
                    sha256, recorded.StreamId);
            }
        }
        return Task.CompletedTask;
    }

    private static IEnumerable<string> Named(object data) => data switch
    {
        TaskCreated e => e.Files.Select(f => f.Sha256),
        MessageAdded e => InContent(e.Content),
        ActionCompleted { Screenshot: { } shot } => [shot.Sha256],
        _ => [],
    };

    private static IEnumerable<string> InContent(IEnumerable<MessageContent> content) => content.SelectMany(block => block switch
    {
        ImageContent { Source.Sha256: { } sha256 } => [sha256],
        DocumentContent { Source.Sha256: { } sha256 } => [sha256],
        ToolResultContent result => InContent(result.Content),
        UserActionContent action => InContent(action.Content),
        _ => [],
    });
}
