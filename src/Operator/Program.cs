using System.CommandLine;
using CloudTemple.Operator.Generation;
using CloudTemple.Operator.Hosting;

var root = new RootCommand("Kubernetes operator for the Cloud Temple IaaS.");

var rootOption = new Option<DirectoryInfo>("--root")
{
    Description = "Repository root the manifests are written under.",
    DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
};
var crds = new Command("crds", "Write the CustomResourceDefinitions of every kind to config/crd/.") { rootOption };
crds.SetAction(parse =>
{
    var target = parse.GetValue(rootOption)!.FullName;
    var changed = Manifests.Write(target, Manifests.Crds());
    Console.WriteLine(changed.Count == 0
        ? $"{Manifests.CrdDirectory}: up to date"
        : string.Join('\n', changed.Select(c => $"wrote {c}")));
    return 0;
});
var rbac = new Command("rbac", "Write the operator's RBAC and webhook configuration, derived from the code, to config/rbac/ and config/webhook/.") { rootOption };
rbac.SetAction(parse =>
{
    var root = parse.GetValue(rootOption)!.FullName;
    var changed = Manifests.Write(root, Manifests.RbacManifests())
        .Concat(Manifests.Write(root, Manifests.WebhookManifests()))
        .Concat(Manifests.Write(root, Manifests.ArgoCdManifests(root)))
        .Concat(Manifests.Write(root, Manifests.ChartManifests()))
        .ToList();
    Console.WriteLine(changed.Count == 0 ? $"{Manifests.RbacDirectory}: up to date" : string.Join('\n', changed.Select(c => $"wrote {c}")));
    return 0;
});
root.Subcommands.Add(new Command("generate", "Generate the manifests derived from the code.") { crds, rbac });
root.Subcommands.Add(RunCommand.Create());

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
