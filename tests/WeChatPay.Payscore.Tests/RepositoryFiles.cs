namespace WeChatPay.Payscore.Tests;

/// <summary>Files of the repository the tests run from (the README, the help examples), found above the test binaries.</summary>
internal static class RepositoryFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> in the repository: the folder above the tests that holds README.md and build.ps1.</summary>
    public static string PathOf(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "README.md")) && File.Exists(Path.Combine(directory.FullName, "build.ps1")))
            {
                return Path.Combine(directory.FullName, relativePath);
            }
        }

        throw new FileNotFoundException("The repository (README.md and build.ps1) was not found above " + AppContext.BaseDirectory);
    }
}
