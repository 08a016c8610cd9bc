using System.Security.Cryptography;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Protocol;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>A journal test's own folder, removed after it, and the row keys its journals hold.</summary>
public abstract class JournalFolder : IDisposable
{
    private readonly string _dir;

    protected JournalFolder(string prefix) => _dir = Directory.CreateTempSubdirectory(prefix).FullName;

    protected SHA256 Sha { get; } = SHA256.Create();

    public void Dispose()
    {
        Sha.Dispose();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The folder itself.</summary>
    protected string Folder => _dir;

    protected string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>The key a journal holds for the authorization <paramref name="fields"/> name, as a run makes it.</summary>
    private protected RowKey Key(RowFields fields)
    {
        Assert.True(AuthorizationTarget.TryCreate(fields, out AuthorizationTarget? target, out var problems), string.Join("; ", problems));
        return RowKey.Of(target!, Sha);
    }
}
