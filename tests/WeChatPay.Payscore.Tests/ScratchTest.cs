using WeChatPay.Payscore.Simulator;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// A test class against the shared simulator (reset for each test) with a scratch folder of its own and no WXPAY_*
/// variable set before or after each test.
/// </summary>
public abstract class ScratchTest : IDisposable
{
    protected const string AppId = "wxd678efh567hg6787";

    protected ScratchTest(SimulatorFixture fixture, string folderPrefix)
    {
        Sim = fixture.Simulator;
        Sim.Reset();
        Dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        TestEnvironment.Clear();
    }

    protected WechatpaySimulator Sim { get; }

    /// <summary>The test's scratch folder, deleted after it.</summary>
    protected string Dir { get; }

    public virtual void Dispose()
    {
        TestEnvironment.Clear();
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
