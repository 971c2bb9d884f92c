namespace Bytebot.Desktop.Contracts;

/// <summary>Who may send input to the desktop: the agent while it works a task, otherwise the person watching.</summary>
public enum ControlOwner
{
    /// <summary>A person may use the live view interactively.</summary>
    User,

    /// <summary>The agent is acting; live viewers can only watch.</summary>
    Agent,
}

/// <summary>
/// The desktop's input control. The agent takes it when it starts acting and gives it back on takeover, completion
/// or cancel; the live view reads it for every message a viewer sends, so a change applies at once.
/// </summary>
public interface IDesktopControl
{
    /// <summary>Who has control now.</summary>
    ControlOwner Owner { get; }

    /// <summary>Hands control to <paramref name="owner"/>.</summary>
    void Assign(ControlOwner owner);

    /// <summary>Raised after <see cref="Owner"/> changed.</summary>
    event EventHandler<ControlOwner>? Changed;
}
