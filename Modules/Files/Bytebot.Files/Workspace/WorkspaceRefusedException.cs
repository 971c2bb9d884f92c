using Microsoft.AspNetCore.Http;

namespace Bytebot.Files.Workspace;

/// <summary>A workspace operation was refused before anything was read or written; <see cref="Field"/> names the bad input.</summary>
internal sealed class WorkspaceRefusedException(int status, string field, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Field { get; } = field;

    public static WorkspaceRefusedException Invalid(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);

    public static WorkspaceRefusedException Outside(string field, string message) => new(StatusCodes.Status403Forbidden, field, message);

    public static WorkspaceRefusedException Missing(string field, string message) => new(StatusCodes.Status404NotFound, field, message);

    public static WorkspaceRefusedException Conflict(string field, string message) => new(StatusCodes.Status409Conflict, field, message);

    public IResult ToProblem() => Status switch
    {
        StatusCodes.Status403Forbidden => FileProblems.Forbidden(Field, Message),
        StatusCodes.Status404NotFound => FileProblems.NotFound(Field, Message),
        StatusCodes.Status409Conflict => FileProblems.Conflict(Field, Message),
        StatusCodes.Status413PayloadTooLarge => FileProblems.TooLarge(Field, Message),
        _ => FileProblems.Invalid(Field, Message),
    };
}
