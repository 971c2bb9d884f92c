using Bytebot.Agent.Providers;

namespace Bytebot.Agent.Plugins;

/// <summary>
/// A provider's own computer tool (ADR 0053): Anthropic's <c>computer_20251124</c> or OpenAI's GA <c>computer</c>. Its
/// calls are stored as tool calls named <see cref="Name"/> and carried out as calls of the Computer plugin's
/// functions, so the policy filter sees each one; the functions it does not cover stay beside it.
/// </summary>
internal static class NativeComputer
{
    /// <summary>The name both APIs give the tool's calls.</summary>
    public const string Name = "computer";

    public const string AnthropicType = "computer_20251124";

    /// <summary>The beta the Messages API needs for <see cref="AnthropicType"/>.</summary>
    public const string AnthropicBeta = "computer-use-2025-11-24";

    // Mouse and keyboard primitives, screenshot, wait, cursor and zoom: what computer_20251124's actions do.
    private static readonly HashSet<string> AnthropicCovers =
    [
        "computer_move_mouse", "computer_click_mouse", "computer_press_mouse", "computer_drag_mouse", "computer_scroll",
        "computer_type_keys", "computer_press_keys", "computer_type_text", "computer_wait", "computer_screenshot",
        "computer_cursor_position", "computer_zoom",
    ];

    // OpenAI's actions have no mouse-button or key holds, no zoom and no cursor query: those stay functions.
    private static readonly HashSet<string> OpenAICovers =
    [
        "computer_move_mouse", "computer_click_mouse", "computer_drag_mouse", "computer_scroll", "computer_type_keys",
        "computer_type_text", "computer_wait", "computer_screenshot",
    ];

    private static readonly IReadOnlyList<ToolDefinition> BesideAnthropic =
        [.. ToolKernel.AgentTools.Where(tool => !AnthropicCovers.Contains(tool.Name))];

    private static readonly IReadOnlyList<ToolDefinition> BesideOpenAI =
        [.. ToolKernel.AgentTools.Where(tool => !OpenAICovers.Contains(tool.Name))];

    /// <summary>The function tools a model gets: all of them, or those its provider's computer tool does not cover.</summary>
    public static IReadOnlyList<ToolDefinition> FunctionsFor(ConfiguredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ComputerTool != ComputerToolKind.Native ? ToolKernel.AgentTools
            : model.Provider == ModelCatalog.Anthropic ? BesideAnthropic
            : BesideOpenAI;
    }
}
