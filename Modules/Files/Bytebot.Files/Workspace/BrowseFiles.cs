using Bytebot.Platform.Files;
using Microsoft.AspNetCore.Http;

namespace Bytebot.Files.Workspace;

internal sealed record DirectoryListing(string Path, IReadOnlyList<WorkspaceEntry> Entries);

/// <summary>List, download, create a directory, delete: the read-mostly half of the workspace API.</summary>
internal static class BrowseFiles
{
    public static IResult List(string? path, ConfinedWorkspace workspace) => Refusals.Guard(() =>
    {
        var relative = workspace.Relative(path, "path", allowRoot: true);
        return TypedResults.Ok(new DirectoryListing(relative, workspace.List(relative)));
    });

    public static IResult Download(string? path, ConfinedWorkspace workspace, HttpContext context) => Refusals.Guard(() =>
    {
        var relative = workspace.Relative(path, "path");
        var stream = workspace.OpenRead(relative);
        FileProblems.Harden(context.Response);
        return TypedResults.File(stream, "application/octet-stream", WorkspacePath.Split(relative).Name, enableRangeProcessing: true);
    });

    public static IResult CreateDirectory(string? path, ConfinedWorkspace workspace) => Refusals.Guard(() =>
    {
        var entry = workspace.CreateDirectory(workspace.Relative(path, "path"));
        return TypedResults.Created($"/api/files?path={Uri.EscapeDataString(entry.Path)}", entry);
    });

    public static IResult Delete(string? path, ConfinedWorkspace workspace) => Refusals.Guard(() =>
    {
        workspace.Delete(workspace.Relative(path, "path"));
        return TypedResults.NoContent();
    });

    public static IResult Move(string? path, string? to, bool? overwrite, ConfinedWorkspace workspace) => Refusals.Guard(() =>
    {
        var from = workspace.Relative(path, "path");
        var target = workspace.Relative(to, "to");
        return TypedResults.Ok(workspace.Move(from, target, overwrite ?? false));
    });
}

internal static class Refusals
{
    public static IResult Guard(Func<IResult> operation)
    {
        try
        {
            return operation();
        }
        catch (WorkspaceRefusedException refused)
        {
            return refused.ToProblem();
        }
        catch (IOException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The workspace is unavailable", detail: e.Message);
        }
    }

    public static async Task<IResult> GuardAsync(Func<Task<IResult>> operation)
    {
        try
        {
            return await operation();
        }
        catch (WorkspaceRefusedException refused)
        {
            return refused.ToProblem();
        }
        catch (IOException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The workspace is unavailable", detail: e.Message);
        }
    }
}
