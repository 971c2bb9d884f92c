using Bytebot.Files.Blobs;
using Bytebot.Files.Contracts;
using Bytebot.Files.TaskFiles;
using Bytebot.Files.Workspace;
using Bytebot.Platform.Backup;
using Bytebot.Platform.Files;
using Bytebot.Platform.Http;
using Bytebot.Platform.Postgres;
using Bytebot.Tasks.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Files;

public static class FilesModule
{
    public static IServiceCollection AddFilesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = FilesOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(options.Limits);
        services.AddMigrations(FilesSchema.Module, FilesSchema.TaskInputs);
        services.AddSingleton<DataDirectoryBlobStore>();
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<DataDirectoryBlobStore>());
        services.AddBackupDirectory(DataDirectoryBlobStore.StoredBlobs, ownerOnly: false);
        services.AddSingleton<BlobCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<BlobCollector>());
        services.AddSingleton<ITaskPreparation, WriteTaskInputs>();
        return services;
    }

    private const string UploadForm = """
        {"type":"object","required":["files"],"properties":{"files":{"type":"array","minItems":1,
          "items":{"type":"string","format":"binary"},"description":"One part per file; its file name is kept."}}}
        """;

    public static IEndpointRouteBuilder MapFilesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/blobs/{sha256}", GetBlob.Handle).WithTags("Files")
            .WithName("GetBlob").WithSummary("A stored blob (screenshot, upload) by SHA-256; immutable, cacheable, ETag = the hash.")
            .DescribesDownload(entityTag: true).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var files = endpoints.MapGroup("/api/files").WithTags("Files")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        files.MapGet("/", BrowseFiles.List)
            .WithName("ListWorkspaceFiles").WithSummary("Lists a workspace directory (path relative to the workspace root; empty = the root).")
            .Produces<DirectoryListing>();
        files.MapGet("/download", BrowseFiles.Download)
            .WithName("DownloadWorkspaceFile").WithSummary("Downloads a regular file of the workspace as an attachment.")
            .DescribesDownload();
        files.MapPost("/", UploadFiles.HandleAsync)
            .WithName("UploadWorkspaceFiles").WithSummary("Uploads multipart files into a workspace directory (atomic per file; overwrite=true replaces).")
            .DescribesBody(("multipart/form-data", UploadForm))
            .Produces<UploadedFiles>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).DisableAntiforgery();
        files.MapPost("/directory", BrowseFiles.CreateDirectory)
            .WithName("CreateWorkspaceDirectory").WithSummary("Creates a directory in the workspace.")
            .Produces<WorkspaceEntry>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict).DisableAntiforgery();
        files.MapPost("/move", BrowseFiles.Move)
            .WithName("MoveWorkspaceFile").WithSummary("Moves or renames a file or directory inside the workspace (overwrite=true replaces).")
            .Produces<WorkspaceEntry>().ProducesProblem(StatusCodes.Status409Conflict).DisableAntiforgery();
        files.MapDelete("/", BrowseFiles.Delete)
            .WithName("DeleteWorkspaceFile").WithSummary("Deletes a file, a symlink or an empty directory; never the root.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict);

        endpoints.MapGet("/api/tasks/{id:guid}/files", ListTaskFiles.HandleAsync).WithTags("Files")
            .WithName("ListTaskWorkspaceFiles").WithSummary("The workspace files a task was given (input) and wrote (output), with download links.")
            .Produces<TaskFileList>().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}
