using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Keyboard;
using Bytebot.Secrets.Contracts;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>The desktop reveals <c>{{secret:name}}</c> only when it types, and types nothing when a name is unknown.</summary>
public sealed class SecretRevealTests : IAsyncDisposable
{
    private readonly RecordingDriver _driver = new();
    private readonly ActionQueue _queue = new(new Bytebot.Desktop.Control.DesktopControl());
    private readonly ISecretValues _secrets = Substitute.For<ISecretValues>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private DesktopActions Desktop(ISecretValues? secrets) => TestDesktopActions.With(_queue, _driver, secrets: secrets);

    [Fact]
    public async Task A_reference_is_typed_as_the_value_the_vault_reveals()
    {
        _secrets.RevealAsync("pw {{secret:mail}}", Arg.Any<CancellationToken>()).Returns("pw s3cr3t");

        await TypeTextHandler.HandleAsync(new TypeText("pw {{secret:mail}}"), Desktop(_secrets), Token);

        _driver.Events.ShouldBe(["type pw s3cr3t"]);
    }

    [Fact]
    public async Task Text_without_a_reference_never_asks_the_vault()
    {
        await TypeTextHandler.HandleAsync(new TypeText("plain"), Desktop(_secrets), Token);

        _driver.Events.ShouldBe(["type plain"]);
        await _secrets.DidNotReceiveWithAnyArgs().RevealAsync(default!, Token);
    }

    [Fact]
    public async Task An_unknown_name_refuses_the_action_naming_text_and_types_nothing()
    {
        _secrets.RevealAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(new UnknownSecretException("nope"));

        var refused = await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            PasteTextHandler.HandleAsync(new PasteText("{{secret:nope}}"), Desktop(_secrets), Token));

        refused.Errors["text"][0].ShouldContain("'nope'");
        _driver.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_vault_a_reference_is_refused_not_typed_literally()
    {
        await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            TypeTextHandler.HandleAsync(new TypeText("{{secret:x}}"), Desktop(null), Token));

        _driver.Events.ShouldBeEmpty();
    }

    public async ValueTask DisposeAsync() => await _queue.DisposeAsync();
}
