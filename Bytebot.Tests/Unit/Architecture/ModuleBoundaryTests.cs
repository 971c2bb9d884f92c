using System.Reflection;
using System.Text.RegularExpressions;

namespace Bytebot.Tests.Unit.Architecture;

/// <summary>DESIGN.md §2: a module references its own Contracts, other modules' Contracts and Platform; Contracts reference only the BCL; only the Host references implementations.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] Modules = ["Desktop", "Tasks", "Agent", "Files", "Streaming", "Nodes", "Channels", "Secrets"];

    private static IEnumerable<string> BytebotReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies()
            .Select(name => name.Name!)
            .Where(name => name.StartsWith("Bytebot.", StringComparison.Ordinal));

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    public static TheoryData<string> ModuleNames() => new(Modules);

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Contracts_reference_nothing_but_the_BCL(string module)
    {
        var contracts = Load($"Bytebot.{module}.Contracts");

        var allowed = new[] { "System", "netstandard", "mscorlib" };
        contracts.GetReferencedAssemblies()
            .Select(name => name.Name!)
            .Where(name => !allowed.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal)))
            .ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_references_only_contracts_and_the_platform(string module)
    {
        var implementation = Load($"Bytebot.{module}");

        BytebotReferences(implementation)
            .Where(name => name != "Bytebot.Platform" && !name.EndsWith(".Contracts", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [Fact]
    public void The_dashboard_references_only_contracts_and_the_platform()
    {
        BytebotReferences(Load("Bytebot.Dashboard"))
            .Where(name => name != "Bytebot.Platform" && !name.EndsWith(".Contracts", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [Fact]
    public void The_platform_references_no_module()
    {
        BytebotReferences(Load("Bytebot.Platform")).ShouldBeEmpty();
    }

    [Fact]
    public void Project_files_follow_the_same_rule()
    {
        // Assembly references only list what the compiler kept; project references show intent even before any type is used.
        var root = RepositoryRoot.Find();
        foreach (var project in Directory.EnumerateFiles(Path.Combine(root, "Modules"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var references = System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference")
                .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value))
                .ToList();
            var forbidden = name.EndsWith(".Contracts", StringComparison.Ordinal)
                ? references
                : references.Where(r => r != "Bytebot.Platform" && !r.EndsWith(".Contracts", StringComparison.Ordinal)).ToList();
            forbidden.ShouldBeEmpty($"{name} references {string.Join(", ", forbidden)}");
        }
    }

    [Fact]
    public void The_cli_knows_a_host_only_through_its_HTTP_API_and_a_data_dir_only_through_the_Platform()
    {
        var project = Path.Combine(RepositoryRoot.Find(), "Bytebot.Cli", "Bytebot.Cli.csproj");

        // The offline restore starts the managed cluster with the Platform's code (ADR 0063); no module, no Contracts.
        System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference")
            .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value))
            .ShouldBe(["Bytebot.Platform"]);
    }

    [Fact]
    public void The_host_composes_every_module()
    {
        var host = typeof(Program).Assembly;

        BytebotReferences(host).ShouldBeSubsetOf(
            Modules.Select(m => $"Bytebot.{m}")
                .Concat(Modules.Select(m => $"Bytebot.{m}.Contracts"))
                .Concat(["Bytebot.Platform", "Bytebot.Dashboard"]));
        foreach (var module in Modules)
            BytebotReferences(host).ShouldContain($"Bytebot.{module}");
    }

    [Fact]
    public void Messages_go_through_Wolverine_and_no_assembly_of_ours_brings_a_bus_of_its_own()
    {
        var ours = Modules.SelectMany(m => new[] { $"Bytebot.{m}", $"Bytebot.{m}.Contracts" })
            .Append("Bytebot.Platform").Append("Bytebot.Dashboard")
            .SelectMany(name => Load(name).GetTypes());

        ours.Where(t => typeof(Wolverine.IMessageBus).IsAssignableFrom(t) || t.Name is "IMessageBus" or "IHandler`2" or "IEventHandler`1")
            .Select(t => t.FullName)
            .ShouldBeEmpty();
    }

    [Fact]
    public void No_module_mentions_another_modules_tables_or_event_names()
    {
        var sources = Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Find(), "Modules"))
            .Where(d => Path.GetFileName(d) != "Bytebot.Platform")
            .ToDictionary(d => Path.GetFileName(d), SourcesOf);
        var owned = sources.ToDictionary(m => m.Key, m => (
            Tables: Captures(m.Value.Values, @"create table (?:if not exists )?(\w+)"),
            // A module's event names: its Marten aliases, and the constants of its *EventNames contract.
            Events: Captures(m.Value.Values, @"MapEventType<\w+>\(""(\w+)\.").Union(Captures(
                m.Value.Where(f => f.Key.EndsWith("EventNames.cs", StringComparison.Ordinal)).Select(f => f.Value),
                @"const string \w+ = ""(\w+)\.")).ToHashSet()));
        var violations = new List<string>();
        foreach (var (module, files) in sources)
        {
            foreach (var (other, own) in owned.Where(o => o.Key != module))
            {
                foreach (var (file, text) in files)
                {
                    violations.AddRange(own.Tables
                        .Where(t => Regex.IsMatch(text, $@"\b(from|join|into|update|truncate|table)\s+{t}\b"))
                        .Select(t => $"{module}/{file} uses {other}'s table {t}"));
                    violations.AddRange(own.Events
                        .Where(e => Regex.IsMatch(text, $@"[""']{e}\.\w+"))
                        .Select(e => $"{module}/{file} names {other}'s events {e}.*"));
                }
            }
            // Marten's shared event table is read only by modules that own events, and only for their own.
            if (owned[module].Events.Count == 0)
            {
                violations.AddRange(files.Where(f => f.Value.Contains("mt_events", StringComparison.Ordinal))
                    .Select(f => $"{module}/{f.Key} reads mt_events"));
            }
        }
        owned["Tasks"].Tables.ShouldContain("task_queue", "the rule finds a module's tables");
        owned["Tasks"].Events.ShouldContain("tasks", "the rule finds a module's event names");
        violations.ShouldBeEmpty();
    }

    private static Dictionary<string, string> SourcesOf(string moduleDirectory) =>
        Directory.EnumerateFiles(moduleDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(moduleDirectory, f), f => File.ReadAllText(f));

    private static HashSet<string> Captures(IEnumerable<string> texts, string pattern) =>
        [.. texts.SelectMany(text => Regex.Matches(text, pattern).Select(m => m.Groups[1].Value))];
}
