using System.Text;

namespace Bytebot.Tests.Integration.Files;

/// <summary>
/// Paths that must never reach outside the workspace (reliability.md S6): encodings, absolute paths, ".." in every
/// position, NUL, over-long names, /proc and /dev, plus names of special files and symlinks planted in the workspace.
/// </summary>
internal static class TraversalCorpus
{
    private static readonly string[] Targets = ["etc/passwd", "proc/self/environ", "secret.txt", ""];

    /// <summary>Lexical payloads: refused whatever the workspace holds.</summary>
    public static IReadOnlyList<string> Lexical(string outside, string workspace)
    {
        var payloads = new List<string>
        {
            "..", "../", "/..", "./..", "../.", "...//..//", "..\\", "..\\..\\etc\\passwd", "a\\..\\..\\etc\\passwd", "\\etc\\passwd",
            "/etc/passwd", "/etc/shadow", "/etc", "/root/.bashrc", "/proc/self/environ", "/proc/self/cmdline", "/proc/self/root/etc/passwd",
            "/proc/self/root", "/proc/self/cwd/secret.txt", "/proc/1/environ", "/proc/self/fd/0", "/proc/self/mem", "/dev/zero", "/dev/null",
            "/dev/urandom", "/dev/tty", "/sys/kernel/notes", "/tmp", "/", "//", "//etc", "//etc//passwd", "///etc/passwd", "/./etc/passwd",
            "/etc/../etc/passwd", "~/../", "~/../../etc/passwd", "~root/.ssh", "/home", "/var/log/syslog", "/run", "/boot",
            outside, outside + "/secret.txt", outside + "/", outside + "/new.txt", workspace + "/../" + Path.GetFileName(outside) + "/secret.txt",
            workspace + "/..", workspace + "x/secret.txt", workspace + "/Desktop/../../etc/passwd", Path.GetDirectoryName(workspace)!,
            "a\0b", "\0", "Desktop/\0/x", "notes.txt\0.png", "%00", "notes.txt%00.png", "%2500", "..%00/etc/passwd",
            "a\u0001b", "a\nb", "a\rb", "a\tb", "\u007f", "a\u001b[31m",
            new string('a', 300), "Desktop/" + new string('b', 256), string.Concat(Enumerable.Repeat("abcd/", 1000)),
            new string('x', 5000), string.Concat(Enumerable.Repeat("\u00e9", 200)), "Desktop/" + string.Concat(Enumerable.Repeat("\ud83d\ude00", 70)),
            "\ud800", "a\udc00b",
        };
        // ".." in every position of a four-segment path, singly and all at once.
        string[] segments = ["Desktop", "sub", "deeper", "file.txt"];
        for (var i = 0; i < segments.Length; i++)
        {
            var copy = segments.ToArray();
            copy[i] = "..";
            payloads.Add(string.Join('/', copy));
            payloads.Add("/" + string.Join('/', copy));
            payloads.Add(string.Join('/', copy) + "/");
        }
        payloads.Add("../../../../../../../../../../../../etc/passwd");
        payloads.Add(string.Concat(Enumerable.Repeat("../", 60)) + "etc/passwd");
        payloads.Add(string.Join('/', Enumerable.Repeat("..", 4)));
        // Encodings of "../" applied to every target: single, double and triple percent-encoding, mixed case,
        // encoded slashes and backslashes, overlong UTF-8, %u escapes, and Unicode dots that fold to ".".
        string[] dotDotSlash =
        [
            "%2e%2e/", "%2E%2E/", "%2e%2e%2f", "%2E%2E%2F", "..%2f", "..%2F", "%2e./", ".%2e/", "%252e%252e/", "%252e%252e%252f",
            "%25252e%25252e/", "..%252f", "%2e%2e%5c", "..%5c", "..%255c", "%c0%ae%c0%ae/", "%c0%2e%c0%2e/", "%e0%80%ae%e0%80%ae/",
            "..%c0%af", "..%c1%9c", "%u002e%u002e/", "%uff0e%uff0e/", "\uff0e\uff0e/", "\u2025/", "\ufe52\ufe52/", "..%u2215",
            "%2e%2e%2f%2e%2e%2f", "....//", "..;/", "%2e%2e;/",
        ];
        foreach (var encoded in dotDotSlash)
        {
            foreach (var target in Targets)
                payloads.Add(encoded + encoded + target);
            payloads.Add("Desktop/" + encoded + encoded + encoded + "etc/passwd");
        }
        payloads.Add("%2fetc%2fpasswd");
        payloads.Add("%252fetc%252fpasswd");
        payloads.Add("%2f%2e%2e%2f");
        return [.. payloads.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Names of the special entries <see cref="Plant"/> creates, each refused when read or written through.</summary>
    public static readonly string[] ThroughSpecialFiles =
    [
        "fifo", "Desktop/fifo", "socket", "link-devnull", "link-devzero", "link-proc-environ", "link-proc-root/etc/passwd",
        "link-out-file", "link-out-dir/secret.txt", "link-out-dir/new.txt", "link-out-dir/", "link-rel-out", "link-rel-out-dir/secret.txt",
        "Desktop/link-up/secret.txt", "loop-a", "loop-a/x", "loop-self", "dangling", "dangling/x", "link-root-parent/etc/passwd",
        "link-out-dir", "link-rel-out-dir", "link-proc-root",
    ];

    /// <summary>Plants a FIFO, a unix socket and symlinks (outside, loops, dangling, /proc, /dev) in the workspace.</summary>
    public static IDisposable Plant(string workspace, string outside)
    {
        Directory.CreateDirectory(Path.Combine(workspace, "Desktop"));
        Mkfifo(Path.Combine(workspace, "fifo"));
        Mkfifo(Path.Combine(workspace, "Desktop", "fifo"));
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(workspace, "socket")));
        Link(workspace, "link-devnull", "/dev/null");
        Link(workspace, "link-devzero", "/dev/zero");
        Link(workspace, "link-proc-environ", "/proc/self/environ");
        Link(workspace, "link-proc-root", "/proc/self/root");
        Link(workspace, "link-out-file", Path.Combine(outside, "secret.txt"));
        Link(workspace, "link-out-dir", outside);
        var relativeOut = Path.GetRelativePath(workspace, outside);
        Link(workspace, "link-rel-out", Path.Combine(relativeOut, "secret.txt"));
        Link(workspace, "link-rel-out-dir", relativeOut);
        Link(workspace, "Desktop/link-up", "../" + relativeOut);
        Link(workspace, "loop-a", "loop-b");
        Link(workspace, "loop-b", "loop-a");
        Link(workspace, "loop-self", "loop-self");
        Link(workspace, "dangling", "does-not-exist");
        Link(workspace, "link-root-parent", "..");
        return socket;
    }

    private static void Link(string workspace, string name, string target) =>
        File.CreateSymbolicLink(Path.Combine(workspace, name), target);

    private static void Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path])!;
        process.WaitForExit();
        process.ExitCode.ShouldBe(0);
    }

    public static string Printable(string payload)
    {
        var text = new StringBuilder();
        foreach (var c in payload.Length > 80 ? payload[..80] + "…" : payload)
            text.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.ToString();
    }
}
