using Microsoft.AspNetCore.Http;

namespace Bytebot.Platform.Files;

/// <summary>
/// A workspace operation was refused before anything was read or written; <see cref="Field"/> names the bad input and
/// <see cref="Status"/> the HTTP status it stands for (400 invalid, 403 outside, 404 missing, 409 conflict).
/// </summary>
public sealed class WorkspaceRefusedException : Exception
{
    public WorkspaceRefusedException(int status, string field, string message) : base(message)
    {
        Status = status;
        Field = field;
    }

    public WorkspaceRefusedException() : this(StatusCodes.Status400BadRequest, "path", "The workspace refused the path.")
    {
    }

    public WorkspaceRefusedException(string message) : this(StatusCodes.Status400BadRequest, "path", message)
    {
    }

    public WorkspaceRefusedException(string message, Exception innerException) : base(message, innerException)
    {
        Status = StatusCodes.Status400BadRequest;
        Field = "path";
    }

    public int Status { get; }

    public string Field { get; }

    /// <summary>The path does not exist (or a directory component is not a directory).</summary>
    public bool IsMissing => Status == StatusCodes.Status404NotFound;

    public static WorkspaceRefusedException Invalid(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);

    public static WorkspaceRefusedException Outside(string field, string message) => new(StatusCodes.Status403Forbidden, field, message);

    public static WorkspaceRefusedException Missing(string field, string message) => new(StatusCodes.Status404NotFound, field, message);

    public static WorkspaceRefusedException Conflict(string field, string message) => new(StatusCodes.Status409Conflict, field, message);
}
