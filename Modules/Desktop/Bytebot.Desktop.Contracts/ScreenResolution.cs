namespace Bytebot.Desktop.Contracts;

/// <summary>
/// Changes the managed desktop's screen to one of <see cref="ScreenResolution.Choices"/> at runtime; answered with the
/// <see cref="ScreenResolution"/> now in effect. A size not offered is refused with
/// <see cref="ComputerActionRejectedException"/> naming <c>width</c>/<c>height</c>; a desktop that cannot change now
/// with <see cref="ResolutionConflictException"/>.
/// </summary>
/// <param name="Width">Screen width in pixels.</param>
/// <param name="Height">Screen height in pixels.</param>
public sealed record ChangeResolution(int Width, int Height);

/// <summary>A screen size in pixels.</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
public sealed record ScreenResolution(int Width, int Height)
{
    /// <summary>The sizes a managed desktop can be switched to.</summary>
    public static IReadOnlyList<ScreenResolution> Choices { get; } =
        [new(1024, 768), new(1280, 960), new(1600, 1200), new(1920, 1080)];

    /// <inheritdoc />
    public override string ToString() => $"{Width}×{Height}";
}

/// <summary>
/// The resolution cannot change now (HTTP 409): the desktop is external (its size is its owner's), the agent is
/// acting on it, or its X server has no room for the size.
/// </summary>
public sealed class ResolutionConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResolutionConflictException()
        : base("The desktop's resolution cannot change now.")
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    /// <param name="message">Why the resolution cannot change.</param>
    public ResolutionConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    /// <param name="message">Why the resolution cannot change.</param>
    /// <param name="innerException">The cause.</param>
    public ResolutionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
