# 各 cmdlet 的中文帮助（Get-Help <cmdlet>，$PSUICulture 为 zh-CN 时）。tools/New-ModuleHelp.ps1 用它写出
# zh-CN/WeChatPay.Payscore.dll-Help.xml；参数的绑定方式、类型和默认值仍取自 cmdlet 本身。
# Cmdlets：每个 cmdlet 的 Synopsis、Description（每段一项）、Parameters（参数名 -> 说明）和 Examples；
# SharedParameters：各 cmdlet 含义相同的参数，cmdlet 自己的 Parameters 中没有时使用；Outputs：每种输出类型的说明。
# 示例与 en-US/WeChatPay.Payscore.Examples.psd1 一一对应：数量相同，代码逐字相同，只翻译说明。
# 错误 ID、结果代码、参数名、属性名和代码保持英文。
@{
    ExampleTitle     = '示例'

    SharedParameters = @{
        MerchantId              = '商户号（mchid）。'
        MerchantSerialNumber    = '商户API证书序列号；给出证书时从证书中读取。'
        PrivateKeyPath          = 'apiclient_key.pem：未加密的 PKCS#8 或 PKCS#1 PEM 格式商户API私钥。通配符模式必须恰好匹配一个文件。'
        PrivateKey              = 'apiclient_key.pem 的 PEM 文本，作为 SecureString 给出（Get-Secret 返回的就是 SecureString）。'
        CertificatePath         = 'apiclient_cert.p12 / .pfx：含商户API私钥的商户API证书。通配符模式必须恰好匹配一个文件。'
        CertificatePassword     = '-CertificatePath 的密码；省略时为商户号。'
        MerchantCertificatePath = 'apiclient_cert.pem：从中读取商户API证书序列号，并与商户API私钥核对。通配符模式必须恰好匹配一个文件。'
        WechatpayPublicKeyId    = '微信支付公钥ID（PUB_KEY_ID_...），在商户平台上显示在公钥旁边。'
        WechatpayPublicKeyPath  = '用于验证应答签名的微信支付公钥文件（pub_key.pem）。通配符模式必须恰好匹配一个文件。'
        PlatformCertificatePath = '微信支付平台证书文件；通配符模式（./certs/wechatpay_*.pem）给出它匹配的每个文件，且至少要匹配一个。迁移期间可与微信支付公钥同时给出。'
        ApiV3Key                = 'APIv3密钥（32 个字符，在商户平台上设置），作为 SecureString 给出：用于解密平台证书和回调通知。'
        BaseUri                 = '省略时为 https://api.mch.weixin.qq.com；只能包含协议、主机和端口（不能有用户信息、路径或查询），明文 http 只允许环回地址。消息中只显示协议、主机和端口。'
        Proxy                   = 'http:// 或 https:// 代理，只能包含协议、主机和端口（用户名和密码放在 -ProxyCredential 中）；省略时使用系统代理。'
        ProxyCredential         = '-Proxy（或系统代理）要求的凭据。'
        TimeoutSec              = '每个请求的秒数，包括连接和应答；没有任何设置给出时为 30。'
        InputObject             = '输入行：Import-Csv 读出的 CSV 行、任何带有 openid、service_id 和 appid 属性的对象（或 authorization_code，或 sub_mchid 加 openid、sub_openid 或 authorization_code），或哈希表；行自身的值优先于参数。每行的值决定它的接口，所以一个 CSV 可以混合各种行。'
        OpenId                  = '用户在该 appid 下的 openid；取自行的 openid 列。'
        ServiceId               = '支付分服务ID（service_id）；取自行的 service_id 列。'
        AppId                   = '用户授权时的 appid（与 -SubMerchantId 一起时为服务商自己的 appid）；取自行的 appid 列，否则为此值。'
        AuthorizationCode       = '用户授权时商户给出的授权协议号（1 到 32 个 A-Z a-z 0-9 _ - * 字符），代替 openid：使用授权协议号接口（与 -SubMerchantId 一起时使用服务商接口）；取自行的 authorization_code 列。'
        SubMerchantId           = '服务商使用：子商户号（sub_mchid），即要处理哪个子商户的用户的授权，按 openid、sub_openid 或授权协议号指定；使用服务商接口和服务商自己的凭据；取自行的 sub_mchid 列，否则为此值。'
        SubAppId                = '服务商使用：子商户的 appid（sub_appid），与 -SubOpenId 一起需要；取自行的 sub_appid 列，否则为此值。'
        SubOpenId               = '服务商使用：用户在子商户 sub_appid 下的 openid，代替 -OpenId；取自行的 sub_openid 列。'
        ThrottleLimit           = '同时在途的请求数；为 1 时严格按输入顺序逐行发送。'
        MaxRequestsPerSecond    = '整个运行每秒最多的请求数；为 0 时没有固定上限。无论如何，微信支付自己的频率限制（429 比平常多）都会让运行降到其下。'
        MaxRetries              = '每个请求遇到 429、500、502、503 和连接失败时的重试次数（应答丢失时先查询）；查询的应答丢失或未通过验证时，查询也会再问。'
        BackupBaseUri           = '主接口地址无法连接时重试的地址，只能包含协议、主机和端口；微信支付默认主机对应 https://api2.mch.weixin.qq.com。'
        TotalCount              = '预计的行数，用于进度条中的百分比和剩余时间。'
        StopAfter               = '运行的时间预算，例如 2:45:00（时:分:秒）或 (New-TimeSpan -Hours 2 -Minutes 45)，从命令开始时计算；必须大于零。用完后不再开始新行：在途的行照常完成，之后的每一行得到结果 NOT_STARTED，不发送请求，并有一条警告说明行数。用同一个 -JournalPath 再次运行 Invoke-WxPayscoreTerminate 即会发送这些行。'
        WhatIf                  = '逐行显示将要发送的内容，什么都不发送。输入有误的行仍会得到 INVALID_INPUT 结果。'
        Confirm                 = '每行之前询问。-Confirm:$false 从不询问，这是 runbook 所需要的；无法询问的宿主会在发送任何内容之前停止运行。'
    }

    Outputs          = @{
        'WeChatPay.Payscore.TerminateResult'       = 'Invoke-WxPayscoreTerminate 一个输入行的结果，每行恰好一个。只有微信支付应答 204 且应答签名验证通过时，Success 才为 true。'
        'WeChatPay.Payscore.PayscorePermission'    = 'Get-WxPayscorePermission 一个输入行的授权状态，每行恰好一个。微信支付已应答且应答签名验证通过时，Success 为 true。'
        'WeChatPay.Payscore.PayscoreConnection'    = 'Connect-WxPayscore 检查过并为会话保存的商户设置。它显示每个密钥在哪里、是哪一个；它从不以可显示的形式持有密钥内容。'
        'WeChatPay.Payscore.PayscoreNotification'  = '一条微信支付分回调通知（发往商户 notify_url 的回调），签名已验证，resource 已用APIv3密钥解密。OpenId、ServiceId 和 AppId 的名称与 Get-WxPayscorePermission 和 Invoke-WxPayscoreTerminate 读取的一致，所以回调通知可以直接通过管道传给它们，按 openid 查询。'
        'WeChatPay.Payscore.PlatformCertificate'   = 'Get-WxPayscorePlatformCertificate 下载、解密并检查过的一张微信支付平台证书：微信支付在 Wechatpay-Serial 中用来指称它的序列号、有效期以及保存位置。'
        'WeChatPay.Payscore.JournalRow'            = 'Get-WxPayscoreJournal 显示的运行日志中的一个授权：它是谁（与 Invoke-WxPayscoreTerminate 的行属性相同，所以可通过管道传给它和 Get-WxPayscorePermission）、最后状态，以及最终记录的代码、消息、Request-ID 和时间。'
        'WeChatPay.Payscore.ConnectionTestResult'  = 'Test-WxPayscoreConnection 的发现：用这些设置运行时微信支付是否会接受并能验证其应答，每项检查及应如何修正，微信支付的时钟与本机时钟之差，以及微信支付用哪些密钥签名应答。'
    }

    Cmdlets          = @{
        'Invoke-WxPayscoreTerminate' = @{
            Synopsis    = '解除微信支付分授权：每个输入行一个已签名并经验证的请求，每行一个 TerminateResult。'
            Description = @(
                '解除微信支付分授权：每个输入行一个已签名并经验证的请求，每行一个 TerminateResult。'
                '每行先经检查：违反输入规则的行得到 INVALID_INPUT 结果和一条错误，永不发送，其他行继续。每个有效行成为一个用商户API私钥签名的 POST，微信支付的应答先用微信支付公钥或平台证书验证，该行才算数：只有经验证的 204，或微信支付自己的查询或运行日志表明授权已解除时，Success 才为 True。'
                '行的值决定接口，所以一个 CSV 可以混合各种行：openid、service_id 和 appid 解除商户用户的授权（-Route 在两个 openid 接口中选一个）；authorization_code 和 service_id 按商户给出的授权协议号解除；sub_mchid 加 openid，或加 sub_openid 和 sub_appid，通过服务商接口、用服务商自己的凭据解除子商户用户的授权；sub_mchid 加 authorization_code 和 service_id 按子商户的授权协议号解除。'
                '最多 -ThrottleLimit 个请求同时在途，按 -MaxRequestsPerSecond 限速，遇到 429 再放慢；429、500、502、503 和连接失败最多重试 -MaxRetries 次。应答丢失或不可信时，先由微信支付的查询确定结果，再决定是否重新发送；查询也失败的行，在输入结束后稍作停顿，以新的 -MaxRetries 再查询一次，其结果届时给出。结果按各行完成的顺序输出：按 RowNumber 排序即为输入顺序。'
                '使用 -JournalPath 时，一行的 "sending" 记录在其请求发出之前写入运行日志，最终记录在其结果输出之前写入；最多预读 100 行，以便多行的记录一次追加（运行停止时已预读的行得到 NOT_STARTED）。崩溃后用同一个运行日志运行同一命令即可续跑：运行日志记录为已解除的行不发送请求，返回 ALREADY_DONE。与本次运行中较早一行指向同一授权的行只发送一次（DUPLICATE）。'
                '使用 -StopAfter（时间预算，例如作业在 3 小时被停止时用 2:45:00）时，预算用完后不再开始新行：在途的行完成，之后的每一行得到 NOT_STARTED，不发送请求，并有一条警告说明行数。用同一个 -JournalPath 再次运行即会发送这些行。'
                'ConfirmImpact 为 High，所以控制台会在每行之前询问：runbook 传 -Confirm:$false，无法询问的宿主会在发送任何内容之前停止运行。-WhatIf 什么都不发送。凭据依次来自参数、Connect-WxPayscore、WXPAY_* 环境变量；参见 about_WeChatPay_Payscore。'
            )
            Parameters  = @{
                Reason      = '解除授权的原因，1 到 50 个字符；取自行的 reason 列，否则为此值。'
                Route       = 'openid 行使用的接口。UserPermission（默认）：/v3/payscore/users/{openid}/permissions/{service_id}/terminate；OpenIdPermission：/v3/payscore/permissions/openid/{openid}/terminate。授权协议号行和 sub_mchid 行各只有一个接口。'
                JournalPath = '运行日志：一个 JSON Lines 文件，每完成一行写入一条记录，在该行结果输出之前落盘。用同一个运行日志再次运行即可续跑：运行日志中已完成的行不再发送。也可以是带 SAS 令牌（读取、添加、创建和写入权限）的 Azure Storage 追加 Blob 的 URL，供沙盒不保留文件的 runbook 使用：https://account.blob.core.windows.net/container/name.jsonl?SAS。SAS 令牌在任何地方都不显示。'
            }
            Examples    = @(
                @{
                    Code    = "Import-Csv users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath run.jsonl | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
                    Remarks = '使用会话连接解除 users.csv 每一行（列 openid、service_id，可选 appid 和 reason）的授权，写运行日志，并把每行一个结果写入 results.csv。崩溃后用同一个运行日志再次运行：不会重复发送任何内容。-Encoding UTF8 在两个版本上都保留中文（没有它，Windows PowerShell 5.1 写出 ASCII）；在 PowerShell 7 上，为 Excel 给 Export-Csv 加 -Encoding utf8BOM。参见 about_WeChatPay_Payscore（CSV 文件及其编码）。'
                }
                @{
                    Code    = "Import-Csv users.csv | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -WhatIf"
                    Remarks = '预览本次运行：每行都经过检查并显示，什么都不发送。输入有误的行仍得到 INVALID_INPUT 结果。'
                }
                @{
                    Code    = "Connect-WxPayscore -MerchantId (Get-AutomationVariable -Name 'wxpay-mchid') -MerchantSerialNumber (Get-AutomationVariable -Name 'wxpay-merchant-serial') -PrivateKey (ConvertTo-SecureString (Get-AutomationVariable -Name 'wxpay-private-key') -AsPlainText -Force) -WechatpayPublicKeyId (Get-AutomationVariable -Name 'wxpay-public-key-id') -WechatpayPublicKeyPath `$publicKeyPath`nImport-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -ErrorAction Continue -JournalPath `$JournalPath | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
                    Remarks = 'Azure Automation runbook：凭据从自动化变量进入本作业的会话连接，而不是进入 WXPAY_* 环境变量（同一沙盒进程的所有作业共享环境变量）；$publicKeyPath 是保存到本作业自己文件中的微信支付公钥。因为没人能回答提示，所以用 -Confirm:$false。'
                }
                @{
                    Code    = "Import-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath `$JournalPath -StopAfter 2:45:00 | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
                    Remarks = 'Azure Automation 在 3 小时后停止的作业在 2 小时 45 分钟后自行结束：之后不再开始新行，在途的行完成，之后的每一行得到 NOT_STARTED 结果，不发送请求；一条警告说明行数。下一个作业用同一个运行日志运行，会发送这些行并跳过已解除的行。'
                }
                @{
                    Code    = "Invoke-WxPayscoreTerminate -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001 -Reason '服务调整' -Confirm:`$false"
                    Remarks = '按用户授权时商户给出的授权协议号解除一个授权。在 CSV 中，带 authorization_code 列的行效果相同；一个文件可以混合 openid 行和 authorization_code 行。'
                }
                @{
                    Code    = "Import-Csv sub-merchant-users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -SubMerchantId 1900000109 -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
                    Remarks = '服务商用自己的凭据解除子商户用户的授权：行可以是 openid（服务商 appid 下）、sub_openid 加 sub_appid（子商户 appid 下）或 authorization_code。用 sub_mchid 列代替 -SubMerchantId，一个文件即可涵盖多个子商户。'
                }
                @{
                    Code    = "Invoke-WxPayscoreTerminate -SubMerchantId 1900000109 -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001 -Reason '服务调整' -Confirm:`$false"
                    Remarks = '服务商按子商户得到的授权协议号解除其一个授权（服务商授权协议号接口）。在 CSV 中，带 sub_mchid 和 authorization_code 列的行效果相同；使用授权协议号时不发送 appid。'
                }
            )
        }

        'Get-WxPayscorePermission' = @{
            Synopsis    = '逐行向微信支付查询每个用户的支付分授权是否仍然有效：在解除授权之前预览一批，之后再核查。'
            Description = @(
                '逐行向微信支付查询每个用户的支付分授权是否仍然有效：在解除授权之前预览一批，之后再核查。只读；签名、验证、限速和重试与解除授权相同。'
                '它接受与 Invoke-WxPayscoreTerminate 相同的行（openid、authorization_code 或 sub_mchid 行，甚至在一个 CSV 中混合），调用对应的查询接口，每行一个已签名的 GET。AuthorizationState 为 AVAILABLE（授权有效）、UNAVAILABLE（已解除）或 UNBINDUSER（用户已解绑），并带有 AuthorizationTime 和 CancelAuthorizationTime；应答未通过验证或微信支付拒绝时它为空，Code 说明原因。'
                '什么都不改变，所以没有 -WhatIf。输入有误的行得到 INVALID_INPUT 结果，不发送。其结果可以直接通过管道传给 Invoke-WxPayscoreTerminate，后者读取其中的 OpenId、ServiceId、AppId、AuthorizationCode 和子商户属性。'
                '使用 -StopAfter（时间预算）时，预算用完后不再开始新行：在途的行完成，之后的每一行得到 NOT_STARTED，不发送请求，并有一条警告说明行数。'
            )
            Examples    = @(
                @{
                    Code    = 'Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Group-Object AuthorizationState'
                    Remarks = '预览一批：多少授权仍然有效（AVAILABLE）、已解除（UNAVAILABLE）或被用户解绑（UNBINDUSER）。'
                }
                @{
                    Code    = "Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Where-Object AuthorizationState -eq 'AVAILABLE' | Export-Csv still-authorized.csv -NoTypeInformation -Encoding UTF8"
                    Remarks = '在 Invoke-WxPayscoreTerminate 之后核查一批：授权仍然有效的行。'
                }
                @{
                    Code    = 'Get-WxPayscorePermission -OpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o -ServiceId 500001 -AppId wxd678efh567hg6787 | Format-List'
                    Remarks = '查询一个用户，显示授权状态及其时间。'
                }
                @{
                    Code    = "Import-Csv users.csv | Get-WxPayscorePermission -AppId wxd678efh567hg6787 | Where-Object AuthorizationState -eq 'AVAILABLE' | Invoke-WxPayscoreTerminate -Reason '服务调整' -Confirm:`$false"
                    Remarks = '只解除仍然有效的授权：Get-WxPayscorePermission 的结果带有每个标识值（openid、授权协议号、子商户），所以可以直接通过管道传给 Invoke-WxPayscoreTerminate。'
                }
                @{
                    Code    = 'Get-WxPayscorePermission -SubMerchantId 1900000109 -SubAppId wx8888888888888888 -SubOpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o -AppId wxd678efh567hg6787 -ServiceId 500001'
                    Remarks = '服务商查询子商户的一个用户，用户由子商户 appid 下的 openid 指定。'
                }
                @{
                    Code    = 'Get-WxPayscorePermission -SubMerchantId 1900000109 -AuthorizationCode 1234323JKHDFE1243252 -ServiceId 500001'
                    Remarks = '服务商按授权协议号查询子商户的一个授权。'
                }
            )
        }

        'Get-WxPayscoreJournal' = @{
            Synopsis    = '读取 Invoke-WxPayscoreTerminate 的运行日志，显示其中每个授权的结果，每个一个 JournalRow：Done、Failed、Unknown 或 Sending。'
            Description = @(
                '读取 Invoke-WxPayscoreTerminate 的运行日志，显示其中每个授权的结果，每个一个 JournalRow：Done、Failed、Unknown 或 Sending。被终止或仍在进行的运行也可以。'
                '每个授权的状态就是续跑该运行日志的运行所看到的状态：最终记录表明已解除时为 Done（OK、SETTLED_BY_QUERY、ALREADY_ENDED）；微信支付拒绝且什么都未改变时为 Failed；结果未定时为 Unknown（超时、连接中断、应答未通过验证）；请求即将发出而没有最终记录时为 Sending：运行被终止了，或正在发送，微信支付可能已解除该授权。运行日志中出现两次的行（续跑的运行）只显示一次最后状态；输入有误的行、重复的行和未开始的行不涉及任何授权的状态，不显示。各行按确定其状态的记录的顺序输出。'
                '运行日志只被读取，从不写入或占用：运行可以同时写入它（读取期间追加的内容留待下次读取），没有结尾的最后一行（运行在写它时被终止）被略去，正如续跑时那样。不是运行日志的文件或 Blob 被拒绝，错误为 JournalInvalid，与运行时相同；不存在的为 JournalNotFound。这些错误不是终止性错误：管道传入多个运行日志时，其他的仍会读取。'
                '每行带有输入行的标识属性（OpenId、ServiceId、AppId、AuthorizationCode 和子商户属性），所以可以通过管道传给 Get-WxPayscorePermission 向微信支付查询，也可以传给 Invoke-WxPayscoreTerminate。要只续跑某些行，用同一个 -JournalPath 把它们传给 Invoke-WxPayscoreTerminate：Sending 或 Unknown 的行会先查询，再决定是否重新发送。'
            )
            Parameters  = @{
                Path  = '运行日志：Invoke-WxPayscoreTerminate 某次运行的 -JournalPath，即文件路径（按原样，不支持通配符）或带 SAS 令牌（读取权限即可）的追加 Blob 的 URL，该 URL 在任何地方都不显示。也可按属性名从管道传入（Path、JournalPath、PSPath）。'
                State = '只要这些状态的行：Done、Failed、Unknown 和 Sending 中的一个或多个。省略时为所有行。'
            }
            Examples    = @(
                @{
                    Code    = 'Get-WxPayscoreJournal run.jsonl -State Sending, Unknown'
                    Remarks = '运行被终止后（或进行中）：它未完成的授权。Sending：请求即将发出而之后没有最终记录，所以微信支付可能已解除该授权；Unknown：应答丢失或未通过验证。微信支付解除的每个授权都是 Done 或 Sending；没有解除的授权不会是 Done。'
                }
                @{
                    Code    = 'Get-WxPayscoreJournal run.jsonl -State Unknown, Sending | Get-WxPayscorePermission | Format-Table OpenId, ServiceId, AuthorizationState'
                    Remarks = '（用会话连接）向微信支付查询这些授权中的每一个：UNAVAILABLE 表示已解除。各行带有 OpenId、ServiceId、AppId 和其他标识属性，所以按属性名通过管道传入。'
                }
                @{
                    Code    = "Get-WxPayscoreJournal run.jsonl -State Unknown, Sending | Invoke-WxPayscoreTerminate -Reason '服务调整' -Confirm:`$false -JournalPath run.jsonl"
                    Remarks = '用同一个运行日志只续跑这些行：每行先查询（已解除则为 SETTLED_BY_QUERY），只有授权仍有效时才发送；它们的记录写入同一个运行日志。运行日志在本次运行写入之前被读取。'
                }
                @{
                    Code    = "Get-WxPayscoreJournal -Path (Get-AutomationVariable -Name 'wxpay-journal-sas-url') | Group-Object State -NoElement"
                    Remarks = 'runbook 按状态统计 Azure Blob Storage 中一个运行日志的行数。URL 需要带读取权限的 SAS 令牌；它不出现在任何消息中。'
                }
            )
        }

        'Get-WxPayscorePlatformCertificate' = @{
            Synopsis    = '下载商户的微信支付平台证书（GET /v3/certificates），用APIv3密钥解密并检查，使用 -OutputDirectory 时把每张证书保存为 wechatpay_<serial>.pem，供 -PlatformCertificatePath 使用。'
            Description = @(
                '下载商户的微信支付平台证书（GET /v3/certificates），用APIv3密钥解密并检查，使用 -OutputDirectory 时把每张证书保存为 wechatpay_<serial>.pem，供 -PlatformCertificatePath 使用。'
                '微信支付只通过此 API 发放平台证书，并用APIv3密钥加密（-ApiV3Key 或 WXPAY_APIV3_KEY，此处必需）。列表的签名用微信支付公钥或已给出的平台证书（-PlatformCertificatePath）验证；两者都没有时，只能用列表中的证书验证，并有一条警告给出该证书的 SHA-256 指纹（首次使用时信任）。'
                '每张证书必须能解密（APIv3密钥错误时不能）、带有列表中所列的序列号、并在列表所列时间内有效；任何问题都会在写入文件之前停止命令。已保存该证书的文件保持原样（有一条详细信息说明；输出的 Path 指向它）；其他文件只有使用 -Force 才被替换；该名称处的符号链接、文件夹、FIFO 或设备永不替换（也不打开），也从不通过链接写入文件。2024 年 10 月以后注册的商户没有平台证书：微信支付应答 404 RESOURCE_NOT_EXISTS，命令会提示使用微信支付公钥（pub_key.pem、PUB_KEY_ID_...）。'
            )
            Parameters  = @{
                OutputDirectory = '保存每张证书的文件夹，文件名为 wechatpay_<serial>.pem；不存在时创建。按原样使用（不支持通配符）；名称中含控制字符（粘贴进来的换行）或该处是文件时，在下载任何内容之前停止命令。'
                Force           = '替换 -OutputDirectory 中与证书同名但内容不同的文件。只限普通文件：该名称处的符号链接、文件夹、FIFO 或设备永不替换、不通过其写入，也不打开。'
            }
            Examples    = @(
                @{
                    Code    = "Get-WxPayscorePlatformCertificate -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -ApiV3Key (Read-Host -AsSecureString 'APIv3 key') -OutputDirectory ./certs"
                    Remarks = '首次下载：尚未信任任何证书，所以用列表中的证书验证列表，并有一条警告给出其序列号和 SHA-256 指纹。每张证书保存为 ./certs/wechatpay_<serial>.pem，供 -PlatformCertificatePath 使用。'
                }
                @{
                    Code    = "Get-WxPayscorePlatformCertificate -PlatformCertificatePath ./certs/wechatpay_*.pem -OutputDirectory ./certs -WhatIf"
                    Remarks = '用会话连接（其中有APIv3密钥）检查是否有新证书，用已保存的证书验证，并显示将写入哪些文件；没有 -Force 不会覆盖任何文件。'
                }
                @{
                    Code    = "Connect-WxPayscore -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -ApiV3Key (Read-Host -AsSecureString 'APIv3 key')`nImport-Csv users.csv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false | Export-Csv results.csv -NoTypeInformation -Encoding UTF8"
                    Remarks = '使用平台证书的商户不需要证书文件：只有商户号、商户API证书序列号、商户API私钥和APIv3密钥时，运行在开始时下载平台证书（以指纹告知首次使用时信任），并在微信支付开始用新证书签名时再下载一次。'
                }
                @{
                    Code    = "Get-WxPayscorePlatformCertificate -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem | Format-List"
                    Remarks = '迁移到微信支付公钥期间：列表用微信支付公钥验证；若微信支付改用平台证书签名，则在列表中每张证书都能用APIv3密钥解密后，用列表中的证书验证（有一条警告说明，带指纹）。只有微信支付公钥的商户得到 PlatformCertificatesNotAvailable（微信支付应答 404 RESOURCE_NOT_EXISTS 或 NOT_FOUND）。'
                }
            )
        }

        'Connect-WxPayscore' = @{
            Synopsis    = '检查一次商户设置和密钥并为会话保存，之后的命令不再需要凭据参数。'
            Description = @(
                '检查一次商户设置和密钥并为会话保存，之后的命令不再需要凭据参数。未给出的设置来自环境变量（WXPAY_*）。'
                '不向微信支付发送任何内容：商户号、商户API私钥（PEM 文件、SecureString 中的 PEM 文本或 PKCS#12 文件）、商户API证书序列号以及微信支付公钥或平台证书在此加载并相互核对，设置有误时以说明如何修正的错误 ID 停止。'
                '会话中之后的命令对未给出的每项设置都使用该连接；它们自己的参数优先。新的 Connect-WxPayscore 会整体替换连接。每个 runspace 有自己的连接，所以 ForEach-Object -Parallel 的各 runspace 需自行连接。连接只在内存中保存密钥，从不显示密钥内容。'
            )
            Parameters  = @{
                PassThru = '把新连接写入管道。'
            }
            Examples    = @(
                @{
                    Code    = 'Connect-WxPayscore -MerchantId 1900009191 -CertificatePath ./apiclient_cert.p12 -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem'
                    Remarks = '用微信支付颁发的 PKCS#12 文件连接（其密码为商户号，商户API证书序列号取自其中的证书）。'
                }
                @{
                    Code    = 'Connect-WxPayscore -MerchantId 1900009191 -PrivateKey (Get-Secret wxpay-key) -MerchantCertificatePath ./apiclient_cert.pem -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem -PassThru'
                    Remarks = '用 SecretManagement 保管库中的商户API私钥连接：密钥从不落盘。商户API证书序列号取自证书，证书与私钥会相互核对。'
                }
                @{
                    Code    = 'Connect-WxPayscore -Proxy http://proxy.corp.example:8080 -ProxyCredential (Get-Credential)'
                    Remarks = '未给出的设置都取自 WXPAY_* 环境变量，通过需要凭据的代理连接。'
                }
            )
        }

        'Get-WxPayscoreConnection' = @{
            Synopsis    = '显示会话连接：商户、商户API证书序列号、微信支付密钥 ID 和接口地址，从不显示密钥内容。'
            Description = @(
                '显示会话连接：商户、商户API证书序列号、微信支付密钥 ID 和接口地址，从不显示密钥内容。'
                '会话没有连接时什么都不输出（-Verbose 会说明）。PrivateKey 属性指出密钥来自哪里（文件、PKCS#12 文件或 PEM 文本），从不显示密钥本身。'
            )
            Examples    = @(
                @{
                    Code    = 'Get-WxPayscoreConnection'
                    Remarks = '显示会话连接的商户号、商户API证书序列号、私钥所在位置、微信支付密钥 ID 和接口地址。从不显示密钥内容。'
                }
                @{
                    Code    = "`$notAfter = (Get-WxPayscoreConnection).CertificateNotAfter`nif (`$null -eq `$notAfter) { 'The expiry of the merchant certificate is unknown: connect with -MerchantCertificatePath or -CertificatePath to know it.' }`nelseif (`$notAfter -lt (Get-Date).AddDays(30)) { ""The merchant certificate expires soon: `$notAfter"" }"
                    Remarks = '商户API证书在 30 天内到期时提醒。只要给出了证书（-MerchantCertificatePath，或 -CertificatePath 的 .p12），CertificateNotAfter 就有值；只用私钥和序列号建立的连接没有该值，其到期时间是未知，而不是即将到期（直接比较时，空日期小于任何日期）。'
                }
                @{
                    Code    = 'if (-not (Get-WxPayscoreConnection)) { Connect-WxPayscore }'
                    Remarks = '会话尚无连接时，从环境变量连接。'
                }
            )
        }

        'Disconnect-WxPayscore' = @{
            Synopsis    = '忘记会话连接；之后的命令又需要凭据参数或 WXPAY_* 环境变量。'
            Description = @(
                '忘记会话连接；之后的命令又需要凭据参数或 WXPAY_* 环境变量。'
                '已在运行的命令保留它开始时的密钥。没有连接时断开不是错误；-Verbose 会说明。'
            )
            Examples    = @(
                @{
                    Code    = 'Disconnect-WxPayscore'
                    Remarks = '忘记会话连接；之后的命令又需要凭据参数或 WXPAY_* 环境变量。'
                }
                @{
                    Code    = "try { Import-Csv users.csv | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false } finally { Disconnect-WxPayscore }"
                    Remarks = '为一次运行连接、结束后不留下任何东西的脚本。'
                }
                @{
                    Code    = 'Disconnect-WxPayscore -Verbose'
                    Remarks = '说明是否有连接可忘记。'
                }
            )
        }

        'ConvertFrom-WxPayscoreNotification' = @{
            Synopsis    = '验证并解密微信支付分回调通知（发往商户 notify_url 的回调）：每条签名验证通过的回调通知一个 PayscoreNotification，来源可以是保存的文件，也可以是 Web 框架交来的请求头和请求体。'
            Description = @(
                '验证并解密微信支付分回调通知（发往商户 notify_url 的回调）：每条签名验证通过的回调通知一个 PayscoreNotification，来源可以是保存的文件，也可以是 Web 框架交来的请求头和请求体。'
                '每条回调通知的签名用其 Wechatpay-Serial 头指定的微信支付密钥验证（微信支付公钥或平台证书，与所有命令的配置相同），除非给出 -SkipTimestampCheck，其时间戳必须在本地时间 300 秒以内，其 resource 用APIv3密钥解密（AEAD_AES_256_GCM），此命令必需APIv3密钥（-ApiV3Key、会话连接或 WXPAY_APIV3_KEY）。已知商户号时（-MerchantId、会话连接或 WXPAY_MCHID），resource 指向其他商户的回调通知被拒绝（NotificationMerchantMismatch）；未知时接受任何商户的。不需要商户API私钥，也不向微信支付发送任何内容。'
                '一个文件保存一条回调通知，形式为其 HTTP 请求（可选的请求行、请求头、一个空行、与收到时完全相同的请求体），或 JSON {"headers": {...}, "body": "原始请求体"}：最大 80 KiB 的普通文件，UTF-8，或带字节顺序标记的 UTF-16（Windows PowerShell 5.1 的 > 即如此写入；此时请求体按该文本的 UTF-8 处理）。目录、FIFO 或设备不打开即被拒绝。带有 Headers 和 Body 属性的对象（ASP.NET 或 Azure Functions 的请求、[pscustomobject]）按属性名绑定；请求体可以是字符串、byte[] 或 Stream。'
                '被篡改、过期、是微信支付签名探测、由未配置的密钥签名、无法用APIv3密钥解密、属于其他商户或不是回调通知（用于读取它的某个请求头以不同的值出现两次）的回调通知得到一条带有自己错误 ID 的非终止性错误，不输出对象；其他的继续。微信支付在端点应答之前会重发回调通知，所以保存的回调中有重复：一次调用对每个 NotificationId 只输出一次，每次重复都是一条警告，指出其 ID 和来源。不同的调用互不记得。输出的 OpenId、ServiceId 和 AppId 可以通过管道传给 Get-WxPayscorePermission（它随后按 openid 查询）。'
            )
            Parameters  = @{
                Path               = '保存回调通知的文件，每个文件一条（最大 80 KiB 的普通文件）；展开通配符。'
                LiteralPath        = '保存回调通知的文件，按原样使用（不支持通配符）；Get-ChildItem 的输出绑定到这里。'
                Headers            = '回调通知的 HTTP 请求头：哈希表或字典、属性名为请求头名的对象、NameValueCollection 或 HttpHeaders；名称不区分大小写。读取 Wechatpay-Timestamp、-Nonce、-Signature 和 -Serial；其中之一以不同的值出现两次时被拒绝。'
                Body               = '与收到时完全相同的回调通知原始请求体：字符串、byte[] 或 Stream。'
                SkipTimestampCheck = '接受签名超过 300 秒的回调通知，以便事后检查保存的回调通知；签名仍会验证。没有它时，旧的回调通知作为可能的重放被拒绝（NotificationStale）。'
            }
            Examples    = @(
                @{
                    Code    = "Get-ChildItem callbacks/*.http | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck | Get-WxPayscorePermission | Where-Object AuthorizationState -eq 'AVAILABLE'"
                    Remarks = '用 notify_url 端点保存的回调核对一次批量运行：每条保存的回调通知都经验证（签名和微信支付密钥；不检查其时间）和解密，并立即按 openid 查询其授权状态。APIv3密钥来自会话连接或 WXPAY_APIV3_KEY。'
                }
                @{
                    Code    = "ConvertFrom-WxPayscoreNotification -Headers `$request.Headers -Body `$request.Body -ApiV3Key (Get-Secret wxpay-apiv3-key) -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem"
                    Remarks = '在回调通知到达时检查（PowerShell Azure Function 或 Web 框架交来请求头和原始请求体）：适用 300 秒时间窗，签名超过 300 秒的回调通知被拒绝（NotificationStale）。时间窗内的重复会再次验证通过：微信支付在端点应答之前会一直发送回调通知，所以端点要保存已处理的 NotificationId。不需要商户API私钥。'
                }
                @{
                    Code    = "Get-ChildItem callbacks -Filter *.json | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck -ErrorVariable refused -ErrorAction SilentlyContinue -WarningVariable repeats | Export-Csv notifications.csv -NoTypeInformation -Encoding UTF8`n`$refused | ForEach-Object { '{0}: {1}' -f `$_.FullyQualifiedErrorId, `$_.Exception.Message }"
                    Remarks = '把每条验证通过的回调通知导出一次：微信支付最多在 3 天内重发回调通知，所以同一 NotificationId 会保存多次，命令只输出一次，每次重复是一条警告（在 $repeats 中）。然后列出被拒绝的回调通知及其错误 ID：NotificationSignatureInvalid、NotificationSignatureProbe、NotificationKeyUnknown、NotificationDecryptionFailed、NotificationMerchantMismatch 等。'
                }
                @{
                    Code    = "Get-ChildItem callbacks/*.http | ConvertFrom-WxPayscoreNotification -SkipTimestampCheck | Select-Object @{ n = 'AuthorizationCode'; e = { `$_.NotifiedAuthorizationCode } }, ServiceId | Get-WxPayscorePermission"
                    Remarks = '按回调通知中的授权协议号而不是按 openid 查询（一行不能同时有两者）。'
                }
            )
        }

        'Test-WxPayscoreConnection' = @{
            Synopsis    = '在大批量运行之前检查微信支付是否接受商户的设置、其应答能否验证：一个 ConnectionTestResult，带有 Passed、ClockOffset、Mode、Problems 和每项检查的消息。'
            Description = @(
                '在大批量运行之前检查微信支付是否接受商户的设置、其应答能否验证：一个 ConnectionTestResult，带有 Passed、ClockOffset、Mode、Problems 和每项检查的消息。什么都不改变。'
                '它接受与其他命令相同的设置（它们的参数，否则为会话连接，否则为 WXPAY_*）；无法使用的设置会在任何请求之前以相同的配置错误停止它。然后发送一个已签名的 GET /v3/certificates，每个商户都可以调用它且它不改变任何东西（只有微信支付公钥的商户得到 404 RESOURCE_NOT_EXISTS，这仍表明签名已被接受），并在给出 -AppId、-ServiceId 和 -OpenId 时发送一个授权查询。从不解除任何授权。'
                '每项检查说明发现了什么以及应如何修正：Connection（微信支付在 -TimeoutSec 内应答：WechatpayUnreachable），Clock（微信支付的时钟与本机时钟之差，取自应答中已签名的 Wechatpay-Timestamp，否则取自其 Date 头：相差超过 300 秒为 ClockOffsetTooLarge，因为微信支付届时会拒绝每个请求；超过 60 秒为警告），Signature（微信支付拒绝了商户API证书序列号：MerchantSerialNumberRejected；或拒绝了密钥：SignatureRejected），WechatpayKey（应答无法用给出的微信支付公钥或平台证书验证：WechatpayKeyMismatch），ApiV3Key（给出APIv3密钥时：证书列表无法解密：PlatformCertificateDecryptionFailed）和 Permission（PermissionQueryFailed）。'
                'Problems 列出未通过检查的错误 ID；没有时 Passed 为 true。Mode 说明微信支付用哪些密钥签名：PublicKey、PlatformCertificates 或 Both。未通过的检查在输出中，而不是错误：命令对每项需要注意的检查写一条警告，只在设置有误时停止。'
            )
            Parameters  = @{
                AppId     = '要查询的一个用户授权的 appid（与 -ServiceId 和 -OpenId 一起）：微信支付必须允许商户查询它。'
                ServiceId = '要查询的授权的支付分服务ID（service_id）。'
                OpenId    = '已授权该服务的一个用户的 openid（在 -AppId 下）；只查询，从不解除授权。'
            }
            Examples    = @(
                @{
                    Code    = 'Test-WxPayscoreConnection'
                    Remarks = '用一个不改变任何东西的 GET /v3/certificates 向微信支付检查会话连接（或 WXPAY_* 环境变量）：Passed、ClockOffset（微信支付的时钟减本机时钟）、微信支付签名所用的 Mode（PublicKey、PlatformCertificates 或 Both）、按错误 ID 列出的 Problems，以及每项未通过检查应如何修正。时钟偏差超过 60 秒也会有警告。'
                }
                @{
                    Code    = "Test-WxPayscoreConnection -MerchantId 1900009191 -PrivateKeyPath ./apiclient_key.pem -MerchantSerialNumber 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C -WechatpayPublicKeyId PUB_KEY_ID_0114232134912410000000000000000001 -WechatpayPublicKeyPath ./pub_key.pem -ApiV3Key (Read-Host -AsSecureString 'APIv3 key') -AppId wxd678efh567hg6787 -ServiceId 500001 -OpenId oUpF8uMuAJO_M2pxb1Q9zNjWeS6o | ForEach-Object Checks | Format-Table -Wrap"
                    Remarks = '检查命令行上给出的运行的每项设置、APIv3密钥（商户有平台证书列表时，必须能解密它），并用一个用户的 appid、service_id 和 openid 检查微信支付是否应答该服务的授权查询；每项检查及其消息各占一行。该用户的授权只被查询，从不解除。'
                }
                @{
                    Code    = "`$check = Test-WxPayscoreConnection -TimeoutSec 10`nif (-not `$check.Passed) { throw ('Not starting the run: ' + (`$check.Problems -join ', ')) }`nImport-Csv `$UsersCsv -Encoding UTF8 | Invoke-WxPayscoreTerminate -AppId wxd678efh567hg6787 -Reason '服务调整' -Confirm:`$false -JournalPath `$JournalPath | Export-Csv `$ResultsCsv -NoTypeInformation -Encoding UTF8"
                    Remarks = '只有微信支付接受设置时才开始百万行运行的 runbook：错误的商户API证书序列号（MerchantSerialNumberRejected）、微信支付拒绝的密钥（SignatureRejected）、时钟偏差超过 300 秒（ClockOffsetTooLarge）、10 秒内无法连到微信支付（WechatpayUnreachable），或无法验证其应答的微信支付密钥（WechatpayKeyMismatch），都会在第一行之前停止它。'
                }
            )
        }
    }
}
