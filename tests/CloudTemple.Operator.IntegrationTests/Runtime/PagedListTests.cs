using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>The initial list, a page at a time, on a real API server (limit and continue).</summary>
public sealed class PagedListTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task AListLongerThanAPage_ComesInSeveralPagesOfOneResourceVersion_AndTheInformerCachesEveryObject()
    {
        string[] names = [.. Enumerable.Range(0, 7).Select(i => $"paged-{i}")];
        foreach (var name in names)
        {
            await ApplyVlanAsync(name, "PAR7S");
        }

        var watcher = new CustomObjectListWatcher<Vlan>(Client, Namespace, pageSize: 3);
        var pages = new List<(IReadOnlyList<string> Names, string ResourceVersion)>();
        await foreach (var (items, resourceVersion) in watcher.ListAsync(CancellationToken.None))
        {
            pages.Add(([.. items.Select(i => (string)i["metadata"]!["name"]!)], resourceVersion));
        }

        Output(string.Join("; ", pages.Select(p => $"{p.Names.Count} at {p.ResourceVersion}")));
        Assert.Equal([3, 3, 1], pages.Select(p => p.Names.Count));
        Assert.Single(pages.Select(p => p.ResourceVersion).Distinct());
        Assert.Equal(names, pages.SelectMany(p => p.Names).Order());

        var added = new List<string>();
        var informer = new Informer<Vlan>(watcher, e =>
        {
            lock (added)
            {
                added.Add(e.Object.Metadata.Name);
            }
        }, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(Deadline);
        Assert.Equal(names, informer.Cache.Keys.Select(k => k.Name).Order());
        lock (added)
        {
            Assert.Equal(names, added.Order());
        }

        await stop.CancelAsync();
        await run.WaitAsync(Deadline);
    }
}
