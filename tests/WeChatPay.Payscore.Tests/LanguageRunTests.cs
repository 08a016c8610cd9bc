using System.Management.Automation;
using System.Text.RegularExpressions;
using WeChatPay.Payscore.Simulator;
using Xunit;

namespace WeChatPay.Payscore.Tests;

/// <summary>
/// A run speaks the language of the session that runs it, in everything it writes, the parts made on the thread
/// pool included (results of answers, settled rows, verbose lines), while codes and error ids stay those of an English
/// run. Two sessions of one process, as the jobs of one Azure Automation sandbox, each keep their own language.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class LanguageRunTests : ScratchTest
{
    public LanguageRunTests(SimulatorFixture fixture)
        : base(fixture, "wxpay-language-")
    {
    }

    [Fact]
    public void A_Chinese_session_gets_every_message_in_Chinese_and_the_codes_and_ids_of_an_English_one()
    {
        HostedRun chinese = RunIn("zh-CN", "oZh");
        HostedRun english = RunIn("en-US", "oEn");

        string[] codes = [ResultCodes.Ok, ResultCodes.InvalidInput, "SYSTEM_ERROR", ResultCodes.SettledByQuery];
        Assert.Equal(codes, chinese.Results.Select(r => r.Code));
        Assert.Equal(codes, english.Results.Select(r => r.Code));
        Assert.Equal(english.Errors.Select(e => e.FullyQualifiedErrorId), chinese.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.NotEmpty(chinese.Errors);
        Assert.NotEmpty(chinese.Verbose);

        Assert.All(chinese.Results, r => AssertChinese(r.Message));
        Assert.All(chinese.Errors, e => AssertChinese(e.Exception.Message));
        Assert.All(chinese.Verbose, AssertChinese);
        Assert.All(english.Results.Select(r => r.Message).Concat(english.Verbose), AssertNotChinese);
        Assert.Contains("'bad/row'", chinese.Results[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_sessions_running_at_once_each_keep_their_own_language()
    {
        Sim.AddFault(new FaultRule { Kind = FaultKind.Latency, DelayMs = 30 });

        Task<HostedRun> both = Task.Run(() => RunIn("zh-CN", "oBothZh"));
        HostedRun english = await Task.Run(() => RunIn("en-US", "oBothEn"));
        HostedRun chinese = await both;

        Assert.All(chinese.Results, r => AssertChinese(r.Message));
        Assert.All(english.Results, r => AssertNotChinese(r.Message));
        Assert.All(chinese.Verbose, AssertChinese);
        Assert.All(english.Verbose, AssertNotChinese);
    }

    [Theory]
    [InlineData("zh-CN", "已解除", "未发送：输入有误", "被拒绝：HTTP 500")]
    [InlineData("en-US", "ended", "not sent: bad input", "refused: HTTP 500")]
    public void The_table_view_shows_its_words_in_the_session_language(string culture, string ended, string invalid, string refused)
    {
        Sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = "oViewDown" });
        var parameters = TerminateParameters();
        parameters["ErrorAction"] = "SilentlyContinue";
        using var language = TestLanguage.Use(culture);
        using var session = new HostedSession();

        string table = session.Script(
            "param($p) @([pscustomobject]@{ openid = 'oViewGood'; service_id = '500001' }, [pscustomobject]@{ openid = 'bad/row'; service_id = '500001' }, " +
            "[pscustomobject]@{ openid = 'oViewDown'; service_id = '500001' }) | Invoke-WxPayscoreTerminate @p | Sort-Object RowNumber | Format-Table | Out-String -Width 200",
            new System.Collections.Hashtable(parameters));

        Assert.Contains(ended, table, StringComparison.Ordinal);
        Assert.Contains(invalid, table, StringComparison.Ordinal);
        Assert.Contains(refused, table, StringComparison.Ordinal);
    }

    private const string Cjk = @"\p{IsCJKUnifiedIdeographs}";

    /// <summary>The module's own words in a message: WeChat Pay's message, which the simulator writes in Chinese, left out.</summary>
    private static string Ours(string text) => text.Replace("系统错误", string.Empty, StringComparison.Ordinal).Replace("系统繁忙,请稍后重试", string.Empty, StringComparison.Ordinal);

    /// <summary>Our words in Chinese; a message that is WeChat Pay's alone passes through as it came.</summary>
    private static void AssertChinese(string text) =>
        Assert.True(Ours(text).Trim().Length == 0 || Regex.IsMatch(Ours(text), Cjk), $"not in Chinese: {text}");

    private static void AssertNotChinese(string text) => Assert.DoesNotMatch(Cjk, Ours(text));

    /// <summary>The simulator's credentials and what a terminate needs, without retries: one answer decides each row.</summary>
    private Dictionary<string, object?> TerminateParameters()
    {
        var parameters = HostedRun.Credentials(Sim);
        parameters["AppId"] = AppId;
        parameters["Reason"] = "服务调整";
        parameters["MaxRetries"] = 0;
        return parameters;
    }

    /// <summary>
    /// Four rows in a session with the UI culture <paramref name="culture"/>: one ends, one is refused for bad input,
    /// one WeChat Pay refuses with a 500, and one whose answer is lost after it was processed is settled by a query.
    /// </summary>
    private HostedRun RunIn(string culture, string prefix)
    {
        Sim.AddFault(new FaultRule { Kind = FaultKind.ServerError, OpenId = prefix + "Down" });
        Sim.AddFault(new FaultRule { Kind = FaultKind.ResetAfterProcessing, OpenId = prefix + "Lost", Target = FaultTarget.Terminate, Count = 1 });
        var parameters = TerminateParameters();
        parameters["ThrottleLimit"] = 1;
        parameters["Verbose"] = true;
        PSObject[] rows = [HostedRun.Row(prefix + "Good", "500001"), HostedRun.Row("bad/row", "500001"), HostedRun.Row(prefix + "Down", "500001"), HostedRun.Row(prefix + "Lost", "500001")];

        using var language = TestLanguage.Use(culture);
        using var session = new HostedSession();
        return session.Run("Invoke-WxPayscoreTerminate", parameters, rows);
    }
}
