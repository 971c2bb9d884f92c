namespace Bytebot.Tests.Infrastructure;

public static class TestDisplays
{
    /// <summary>
    /// A DISPLAY no X server serves, for hosts that must run without a desktop. Not ":0": Xvfb -displayfd (used by
    /// the task process tests) takes the lowest free number, so :0 may well be served during a run.
    /// </summary>
    public const string Unreachable = ":59999";
}
