using Bytebot.Desktop.Contracts;
using Bytebot.Platform.Messaging;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>Lets the agent turn a tool call into an action with the same parser and messages as <c>POST /computer-use</c>.</summary>
internal sealed class ParseActionHandler : IHandler<ParseComputerAction, ParsedAction>
{
    public Task<ParsedAction> HandleAsync(ParseComputerAction message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Task.FromResult(new ParsedAction(ActionParser.Parse(message.Body)));
    }
}
