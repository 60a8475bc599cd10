using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudTemple.Operator.Tests.Docs;

/// <summary>
/// docs/rules.md is the repository's own account of the platform's rules: every rule id the code
/// cites has its section there, every path it names exists, every type, member or test it names
/// after a path is in that file, and no source file sends the reader to a document outside the
/// repository instead.
/// </summary>
public sealed partial class RuleCatalogTests
{
    private static readonly string s_rules = RepositoryPaths.Combine("docs", "rules.md");

    [Fact]
    public void EveryRuleIdTheCodeCites_HasItsSectionInDocsRules()
    {
        var documented = DocumentedIds();
        var missing = CitedIds()
            .Where(c => !documented.Contains(c.Id))
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}, cited at {string.Join(", ", g.Select(c => c.Where).Take(3))}{(g.Count() > 3 ? $" and {g.Count() - 3} more" : "")}")
            .ToList();

        Assert.True(missing.Count == 0, $"Rule ids cited in src/ but described by no heading or line starting with them in docs/rules.md:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void TheRuleIdsOfTheCode_AreFound_SoTheCheckAboveIsNotVacuous()
    {
        var cited = CitedIds().Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        // A sample of the ways the code cites rules: "(rule C4)", Rule = "C1", Refused("B11", …), "C1–C10".
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "C4", "C1", "B11", "C7", "X3" }, cited);
        Assert.DoesNotContain("N0", cited); // a number format, {count:N0}, not a rule
    }

    [Theory]
    [InlineData("the memory reservation (rule C4).", "C4")]
    [InlineData("[SchemaRange(1, 32, Rule = \"C1\")]", "C1")]
    [InlineData("throw Refused(\"B11\", reason);", "B11")]
    [InlineData("Cpools: create, change (C1–C3).", "C1 C2 C3")]
    [InlineData("// K1, X2: one zone", "K1 X2")]
    [InlineData("VMs (H1–H4, X1) and (rules B10–B14)", "H1 H2 H3 H4 X1 B10 B11 B12 B13 B14")]
    [InlineData("$\"{count:N0} more\"", "")]
    [InlineData("X509Certificate2, 0xC4, H100, csp:fr1:iaas", "")]
    public void RuleIds_AreReadAsTheCodeWritesThem(string line, string ids) =>
        Assert.Equal(ids, string.Join(' ', IdsIn(line)));

    [Fact]
    public void EveryPathDocsRulesNames_Exists()
    {
        var paths = NamedPaths(File.ReadAllText(s_rules)).ToList();
        var missing = paths.Where(p => !File.Exists(RepositoryPaths.Combine(p)) && !Directory.Exists(RepositoryPaths.Combine(p))).ToList();

        Assert.NotEmpty(paths);
        Assert.True(missing.Count == 0, $"docs/rules.md names paths that do not exist in the repository:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void EveryIdentifierDocsRulesNamesAfterAPath_OccursInThatFile()
    {
        var cited = NamedIdentifiers(File.ReadAllText(s_rules)).ToList();
        var missing = cited
            .Where(c => !Occurs(c.Path, c.Name))
            .Select(c => $"{c.Path}: `{c.Span}` ({(Path.Exists(RepositoryPaths.Combine(c.Path)) ? $"no '{c.Name}' in it" : "no such path")})")
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(cited);
        Assert.True(missing.Count == 0, $"docs/rules.md names, in the parentheses after a path, identifiers that path does not contain (a type, member or test renamed or moved?):\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void TheIdentifiersOfDocsRules_AreFound_SoTheCheckAboveIsNotVacuous()
    {
        var cited = NamedIdentifiers(File.ReadAllText(s_rules)).Select(c => $"{c.Path} {c.Name}").ToHashSet(StringComparer.Ordinal);

        // Members of the code, an attribute, and test methods of each test project.
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "src/Operator/Controllers/Lifecycle/ExternalClient.cs Billing",
                "src/Entities/Cpool.cs SchemaRange",
                "tests/CloudTemple.Operator.Tests/PlatformCatalogTests.cs C4_MaximumMemoryPerHost_IsTheBladesRam",
                "tests/CloudTemple.Operator.Simulator.Tests/CpoolRuleTests.cs C1_ACpoolOutsideOneTo32Hosts_IsRefused_AndNothingIsCreated",
                "tests/CloudTemple.Operator.IntegrationTests/Controllers/CpoolControllerTests.cs AOneHostCpool_ReportsNoHighAvailability_AndStaysReady",
            },
            cited);
        Assert.True(cited.Count > 300, $"Only {cited.Count} identifiers were read after paths in docs/rules.md.");
    }

    [Theory]
    [InlineData("- **Code:** `src/X/Y.cs` (`Type.Member`, `Other`).", "src/X/Y.cs Member, src/X/Y.cs Other")]
    [InlineData("`src/A.cs` (`A.B` mounts; `C` keeps a Cpool), `src/D.cs` (`E`)", "src/A.cs B, src/A.cs C, src/D.cs E")]
    [InlineData("`src/Entities/Cpool.cs` (`CpoolSpec.Hosts`, `[SchemaRange(…, Rule = \"C1\")]`, `[Immutable]`)", "src/Entities/Cpool.cs Hosts, src/Entities/Cpool.cs SchemaRange, src/Entities/Cpool.cs Immutable")]
    [InlineData("`tests/T.cs` (`Run_Works`, cases \"C1 …\")", "tests/T.cs Run_Works")]
    [InlineData("`src/A.cs` (`B` (see `C`)), then `D` (`E`)", "src/A.cs B, src/A.cs C")]
    [InlineData("`src/A.cs`, `B.C`; `src/A.cs` then (`D`)", "")]
    [InlineData("`other-ns/prod` (`Name`)", "")]
    public void Identifiers_AreReadFromTheParenthesesRightAfterAPath(string markdown, string expected) =>
        Assert.Equal(expected, string.Join(", ", NamedIdentifiers(markdown).Select(c => $"{c.Path} {c.Name}")));

    [Fact]
    public void NoSourceFile_CitesDocsDomainMd_ButDocsRulesMd()
    {
        var citing = SourceFiles()
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, index)))
            .Where(l => l.line.Contains("docs/domain.md", StringComparison.Ordinal))
            .Select(l => $"{Relative(l.file)}:{l.index + 1}")
            .ToList();

        Assert.True(citing.Count == 0, $"These lines cite docs/domain.md, a document outside the repository; cite docs/rules.md:\n{string.Join("\n", citing)}");
    }

    // The ids of docs/rules.md: a heading or a line that starts with one ("### C4 — …", "- **C4** …").
    private static HashSet<string> DocumentedIds() =>
        File.ReadLines(s_rules)
            .Select(line => DocumentedIdPattern().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["id"].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<(string Id, string Where)> CitedIds() =>
        SourceFiles().SelectMany(file => File.ReadLines(file).SelectMany((line, index) => IdsIn(line).Select(id => (id, $"{Relative(file)}:{index + 1}"))));

    // A rule id is a letter of docs/rules.md's groups and a number from 1, as a word of its own: not
    // a format specifier ("{n:N0}", "{b:X2}"), not part of a longer word ("X509", "0xC4", "H100"). A
    // range "C1–C10" cites every id between its ends.
    private static IEnumerable<string> IdsIn(string line)
    {
        foreach (Match m in CitedIdPattern().Matches(line))
        {
            var letter = m.Groups["letter"].Value;
            var first = int.Parse(m.Groups["first"].Value, CultureInfo.InvariantCulture);
            if (!m.Groups["last"].Success)
            {
                yield return $"{letter}{first}";
                continue;
            }

            var last = int.Parse(m.Groups["last"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["letter2"].Value != letter || last < first)
            {
                // Not a range of one group ("C4–B2"): both ends are ids all the same.
                yield return $"{letter}{first}";
                yield return $"{m.Groups["letter2"].Value}{last}";
                continue;
            }

            for (var n = first; n <= last; n++)
            {
                yield return $"{letter}{n}";
            }
        }
    }

    // Repository paths in code spans (`src/…/File.cs`), and the targets of relative links (from docs/), as paths from the root.
    // A code span is a path when it starts at a top-level entry of the repository or names a file
    // (`src/…`, `tests/…`, `foo/Bar.cs`), not when it is a value such as `other-ns/prod`.
    private static IEnumerable<string> NamedPaths(string markdown) =>
        PathPattern().Matches(markdown).Select(m => m.Groups["path"].Value)
            .Where(IsRepositoryPath)
            .Concat(LinkPattern().Matches(markdown)
                .Select(m => m.Groups["path"].Value)
                .Where(p => !p.Contains("://", StringComparison.Ordinal) && !p.StartsWith("mailto:", StringComparison.Ordinal))
                .Select(p => Relative(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(s_rules)!, p)))))
            .Distinct(StringComparer.Ordinal);

    // Each identifier in a code span inside the parentheses that follow a path on the same line
    // (`src/X/Y.cs` (`Type.Member`, `[Attribute(…)]`, `Test_Name`)), with the name to look for: the
    // last segment of a dotted name, an attribute's name. Other spans (values, prose) are not names.
    private static IEnumerable<(string Path, string Span, string Name)> NamedIdentifiers(string markdown)
    {
        foreach (var line in markdown.Split('\n'))
        {
            foreach (Match path in PathPattern().Matches(line))
            {
                var value = path.Groups["path"].Value;
                if (!IsRepositoryPath(value) || ParenthesesAfter(line, path.Index + path.Length) is not { } inner)
                {
                    continue;
                }

                foreach (Match span in CodeSpanPattern().Matches(inner))
                {
                    var text = span.Groups["code"].Value;
                    if (IdentifierPattern().Match(text) is { Success: true } identifier)
                    {
                        yield return (value, text, identifier.Groups["name"].Value);
                    }
                }
            }
        }
    }

    // The text between the parenthesis that opens right after `start` (spaces aside) and the one that
    // closes it, or the rest of the line when none does; parentheses inside code spans do not count.
    private static string? ParenthesesAfter(string line, int start)
    {
        var open = start;
        while (open < line.Length && line[open] == ' ')
        {
            open++;
        }

        if (open >= line.Length || line[open] != '(')
        {
            return null;
        }

        var (depth, code) = (0, false);
        for (var i = open; i < line.Length; i++)
        {
            if (line[i] == '`')
            {
                code = !code;
            }
            else if (!code && line[i] == '(')
            {
                depth++;
            }
            else if (!code && line[i] == ')')
            {
                depth--;
                if (depth == 0)
                {
                    return line[(open + 1)..i];
                }
            }
        }

        return line[(open + 1)..];
    }

    // The name as a whole word of the file (or of a file under the directory), so `Report` is not found in `ReportHeadroom`.
    private static bool Occurs(string path, string name)
    {
        var full = RepositoryPaths.Combine(path);
        IEnumerable<string> files = File.Exists(full) ? [full]
            : Directory.Exists(full) ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Where(f => !Relative(f).Split('/').Any(part => part is "bin" or "obj"))
            : [];
        var word = new Regex($@"(?<!\w){Regex.Escape(name)}(?!\w)", RegexOptions.CultureInvariant);
        return files.Any(f => word.IsMatch(File.ReadAllText(f)));
    }

    private static bool IsRepositoryPath(string path) =>
        Path.Exists(RepositoryPaths.Combine(path.Split('/')[0])) || Path.HasExtension(path.TrimEnd('/'));

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Combine("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !Relative(f).Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/');

    [GeneratedRegex(@"^[#\s\-*]*\**(?<id>[GCBNKVHX][1-9][0-9]?)\b")]
    private static partial Regex DocumentedIdPattern();

    [GeneratedRegex(@"(?<![\w:{.\-])(?<letter>[GCBNKVHX])(?<first>[1-9][0-9]?)(?![\w])(\s*[–-]\s*(?<letter2>[GCBNKVHX])(?<last>[1-9][0-9]?)(?![\w]))?")]
    private static partial Regex CitedIdPattern();

    [GeneratedRegex(@"`(?<path>[\w.\-]+(/[\w.\-]+)+/?)`")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"\]\((?<path>[^)#\s]+)(#[^)]*)?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"`(?<code>[^`]+)`")]
    private static partial Regex CodeSpanPattern();

    // `Name`, `Type.Member`, `Namespace.Type.Member` (the last segment is the name), or an attribute `[Name]`, `[Name(…)]`.
    [GeneratedRegex(@"^(?:(?:[A-Za-z_]\w*\.)*(?<name>[A-Za-z_]\w*)|\[(?<name>[A-Za-z_]\w*)(?:\(.*\))?\])$")]
    private static partial Regex IdentifierPattern();
}
