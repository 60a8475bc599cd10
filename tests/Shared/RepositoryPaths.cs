namespace CloudTemple.Operator.Testing;

/// <summary>Paths inside the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory that holds CloudTemple.Operator.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CloudTemple.Operator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CloudTemple.Operator.sln above {AppContext.BaseDirectory}.");
    }
}
