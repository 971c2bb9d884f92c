namespace Bytebot.Tests.E2E.Agent;

/// <summary>
/// The agent-loop tests run alone, after every parallel collection: each class starts a desktop of its own and opens
/// terminals and Firefox in it, the heaviest part of a run on a 2-core machine. (They were first put here while a
/// failure was sought that turned out to be the machine's ~/.bashrc: its pyenv init waited 60 s in every new shell for
/// a lock a killed shell had left. build/test now gives the tests a home of their own.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentLoopAlone
{
    public const string Name = "Agent loop, alone";
}
