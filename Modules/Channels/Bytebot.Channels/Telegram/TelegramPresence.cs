using Bytebot.Agent.Contracts;

namespace Bytebot.Channels.Telegram;

/// <summary>Every allowed chat can approve: the approval request reaches it with buttons (TelegramReplies).</summary>
internal sealed class TelegramPresence(TelegramOptions options) : IApproverPresence
{
    public int Reachable => options.AllowedChatIds.Count;
}
