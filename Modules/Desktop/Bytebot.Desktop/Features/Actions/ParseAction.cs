using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>Lets the agent turn a tool call into an action with the same parser and messages as <c>POST /computer-use</c>.</summary>
public static class ParseActionHandler
{
    public static ParsedAction Handle(ParseComputerAction message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ParsedAction(ActionParser.Parse(message.Body));
    }
}
