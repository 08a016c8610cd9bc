using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using WeChatPay.Payscore.Crypto;
using WeChatPay.Payscore.Execution;
using WeChatPay.Payscore.Platform;
using WeChatPay.Payscore.Protocol;

namespace WeChatPay.Payscore.MonoSmoke
{
    /// <summary>
    /// Runs the .NET Framework build's core on a .NET Framework profile (Mono): every key form, the known-answer
    /// signature, verification of a good and a tampered answer, one terminate and one query against the simulator,
    /// the journal. Loads the module from its bin/net472 folder as PowerShell does, with the module's resolver
    /// serving its dependencies/. Prints one line per check and "N passed, N failed"; exits 1 when a check failed.
    /// </summary>
    internal static class Program
    {
        private const string AppId = "wxd678efh567hg6787";
        private static readonly List<string> Failures = new List<string>();
        private static int _passed;
        private static string _moduleBin = string.Empty;

        private static int Main(string[] args)
        {
            Dictionary<string, string> options = ParseOptions(args);
            Console.WriteLine($"Runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
            _moduleBin = Path.GetFullPath(options["module-bin"]);
            // The module itself is not next to this program: load it from where the package puts it.
            AppDomain.CurrentDomain.AssemblyResolve += LoadModule;
            Check("the module is the net472 build, loaded from its bin folder, and its resolver is in place", InstallResolver);
            try
            {
                Run(options);
            }
            catch (Exception ex)
            {
                // A type that cannot load fails the method that names it before it runs.
                Failures.Add("the run");
                Console.WriteLine($"  [-] the run stopped: {ex.GetType().Name}: {ex.Message}");
            }

            Console.WriteLine($"{_passed} passed, {Failures.Count} failed");
            return Failures.Count == 0 && _passed > 0 ? 0 : 1;
        }

        private static Assembly? LoadModule(object? sender, ResolveEventArgs args)
        {
            string path = Path.Combine(_moduleBin, new AssemblyName(args.Name).Name + ".dll");
            return new AssemblyName(args.Name).Name == "WeChatPay.Payscore" && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        // As the module's initializer does on import; before any method that names a type of the dependencies is compiled.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void InstallResolver()
        {
            Assembly module = typeof(DependencyResolver).Assembly;
            Expect(Path.GetDirectoryName(module.Location) == _moduleBin, $"loaded from {module.Location}");
            Expect(PlatformSupport.IsNetFramework || IsMono(), "runs on a .NET Framework profile");
            DependencyResolver.Install();
        }

        // Kept apart from Main so that no module type is touched before the module can be found.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Run(Dictionary<string, string> o)
        {

            string keys = Path.Combine(AppContext.BaseDirectory, "TestKeys");
            string expectedSignature = File.ReadAllText(Path.Combine(keys, "known-answer-signature.b64")).Trim();
            foreach (string file in new[] { "test-only-merchant-key.pkcs8.pem", "test-only-merchant-key.pkcs1.pem" })
            {
                Check($"a PEM key file ({file}) signs the known answer", () =>
                {
                    using RSA key = MerchantPrivateKeyLoader.LoadFromFile(Path.Combine(keys, file));
                    Expect(KnownAnswer(key).Contains($"signature=\"{expectedSignature}\""), "the signature differs from openssl's");
                });
            }

            Check("PEM text signs the known answer", () =>
            {
                using RSA key = MerchantPrivateKeyLoader.LoadFromPem(File.ReadAllText(Path.Combine(keys, "test-only-merchant-key.pkcs8.pem")), "the text");
                Expect(KnownAnswer(key).Contains($"signature=\"{expectedSignature}\""), "the signature differs from openssl's");
            });

            Check("an encrypted or EC key is refused with a configuration error", () =>
            {
                foreach (string file in new[] { "test-only-encrypted-key.pem", "test-only-ec-key.pem" })
                {
                    try
                    {
                        MerchantPrivateKeyLoader.LoadFromFile(Path.Combine(keys, file)).Dispose();
                        Expect(false, $"{file} was accepted");
                    }
                    catch (PayscoreException)
                    {
                    }
                }
            });

            Check("AES-256-GCM (BouncyCastle on .NET Framework) decrypts the known answers and refuses a changed tag", () =>
            {
                // GCM specification test case 14, and a WeChat Pay-style field made by OpenSSL with a test-only APIv3 key.
                byte[] zeroBlock = AeadAesGcm.Decrypt(new byte[32], new byte[12], new byte[0], FromHex("CEA7403D4D606B6E074EC5D3BAF39D18D0D1C8A799996BF0265B98B5D48AB919"));
                Expect(zeroBlock.Length == 16 && zeroBlock.All(b => b == 0), "test case 14 decrypted to something else");
                ApiV3Key key = ApiV3Key.From(SecureText.FromPlainText("TestOnlyApiV3Key0123456789abcdef"), "the test");
                const string Ciphertext = "EtE63mH3Tq5HGIjEoL7WvL/SLqKReK7zv8bt3hfGdAdEsYQ9aklh4YMRR2NIiZKSAt8N/jF3d80f9+NhsyYMqaWqtGsOg2cGV7T3nUIhYMQ=";
                Expect(key.DecryptText("v1Nonce12345", "certificate", Ciphertext) == "-----BEGIN CERTIFICATE-----\nTEST-ONLY\n-----END CERTIFICATE-----\n",
                    "the field decrypted to something else");
                byte[] changed = Convert.FromBase64String(Ciphertext);
                changed[changed.Length - 1] ^= 0x80;
                try
                {
                    key.Decrypt("v1Nonce12345", "certificate", Convert.ToBase64String(changed));
                    Expect(false, "a changed tag was accepted");
                }
                catch (CryptographicException)
                {
                }
            });

            MerchantKey? pkcs12 = null;
            Check("the simulator's apiclient_cert.p12 opens with the merchant id and names the merchant serial", () =>
            {
                pkcs12 = MerchantPkcs12Loader.LoadFile(o["p12"], null, o["merchant-id"]);
                Expect(string.Equals(pkcs12.Certificate?.SerialNumber, o["serial"], StringComparison.OrdinalIgnoreCase),
                    $"serial {pkcs12.Certificate?.SerialNumber}, expected {o["serial"]}");
            });

            Check("a good answer is verified and a tampered one is not", () =>
            {
                using RSA wechatpay = RSA.Create();
                wechatpay.KeySize = 2048;
                var store = new WechatpayKeyStore();
                store.AddPublicKey("PUB_KEY_ID_0114232134912410000000000000000001", ImportPublic(wechatpay));
                var verifier = new ResponseVerifier(store);
                string timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
                byte[] body = Encoding.UTF8.GetBytes("{\"code\":\"PARAM_ERROR\",\"message\":\"参数错误\"}");
                string signature = Convert.ToBase64String(wechatpay.SignData(
                    ResponseVerifier.BuildMessage(timestamp, "NONCE", body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                Expect(verifier.Verify(timestamp, "NONCE", signature, store.PublicKeyId, body).IsVerified, "the good answer was refused");
                byte[] tampered = (byte[])body.Clone();
                tampered[10] ^= 0x20;
                Expect(verifier.Verify(timestamp, "NONCE", signature, store.PublicKeyId, tampered).Status == VerificationStatus.BadSignature,
                    "the tampered answer was not refused as a bad signature");
            });

            using RSA merchantKey = MerchantPrivateKeyLoader.LoadFromFile(o["key"]);
            var wechatpayKeys = new WechatpayKeyStore();
            wechatpayKeys.AddPublicKey(o["public-key-id"], WechatpayKeyLoader.LoadPublicKeyFile(o["public-key"]));
            var options = new WechatpayClientOptions { BaseUri = new Uri(o["base-uri"]), BackupBaseUri = null, Timeout = TimeSpan.FromSeconds(30) };
            using var client = new WechatpayClient(options, new RequestSigner(o["merchant-id"], o["serial"], merchantKey), new ResponseVerifier(wechatpayKeys), wechatpayKeys.PublicKeyId);
            var sender = new ResilientSender(client, new RetryPolicy(2), new AdaptiveRateLimiter(0), new HostSelector(options.BaseUri, null));

            TerminateRequest.TryCreate(TerminateRoute.UserPermission, RowFields.ForOpenId("oMonoSmoke", "500001", AppId), "smoke", out TerminateRequest? request, out _);
            TerminateResult? terminated = null;
            Check("TLS 1.2 is added to a host that offers only TLS 1.0, and the OS default is left alone, as on import in Windows PowerShell 5.1", () =>
            {
                SecurityProtocolType before = ServicePointManager.SecurityProtocol;
                try
                {
                    ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;
                    PlatformSupport.EnsureTls12();
                    Expect(ServicePointManager.SecurityProtocol == (SecurityProtocolType.Tls | SecurityProtocolType.Tls12), $"{ServicePointManager.SecurityProtocol}");
                    ServicePointManager.SecurityProtocol = 0; // SystemDefault
                    PlatformSupport.EnsureTls12();
                    Expect(ServicePointManager.SecurityProtocol == 0, $"the OS default became {ServicePointManager.SecurityProtocol}");
                }
                finally
                {
                    ServicePointManager.SecurityProtocol = before;
                }
            });

            Check("a client raises .NET Framework's 2 connections per host to what the run sends at once", () =>
            {
                ServicePoint point = ServicePointManager.FindServicePoint(options.BaseUri);
                Expect(point.ConnectionLimit >= options.MaxConnectionsPerServer, $"{point.ConnectionLimit} connections to {options.BaseUri.Authority}, {options.MaxConnectionsPerServer} wanted");
            });

            Check("a terminate against the simulator succeeds, its answer verified", () =>
            {
                terminated = new PermissionTerminator(sender, 2).TerminateAsync(1, request!, false, null, CancellationToken.None).GetAwaiter().GetResult();
                Expect(terminated.Success && terminated.Code == ResultCodes.Ok, $"{terminated.Code}: {terminated.Message}");
            });

            Check("a query against the simulator finds the authorization ended", () =>
            {
                QueryAnswer outcome = new PermissionQuery(sender).QueryAsync(request!.Target, null, CancellationToken.None).GetAwaiter().GetResult();
                Expect(outcome.State == AuthorizationState.Ended, $"{outcome.State}: {outcome.Description}");
            });

            Check("the platform certificates download, decrypt and verify: with the public key, and on first use with nothing trusted", () =>
            {
                ApiV3Key apiV3Key = ApiV3Key.From(SecureText.FromPlainText(File.ReadAllText(o["apiv3-key"])), "the simulator's apiv3_key.txt");
                PlatformCertificateDownload byPublicKey = new PlatformCertificateDownloader(client, apiV3Key, wechatpayKeys)
                    .DownloadAsync(null, CancellationToken.None).GetAwaiter().GetResult();
                Expect(byPublicKey.Certificates.Count == 1 && !byPublicKey.TrustedOnFirstUse, $"{byPublicKey.Certificates.Count} certificates, first use {byPublicKey.TrustedOnFirstUse}");
                Expect(byPublicKey.Certificates[0].Fingerprint.Length == 64, "no SHA-256 fingerprint");

                var nothing = new WechatpayKeyStore();
                using var bare = new WechatpayClient(options, new RequestSigner(o["merchant-id"], o["serial"], merchantKey), new ResponseVerifier(nothing), null);
                PlatformCertificateDownload firstUse = new PlatformCertificateDownloader(bare, apiV3Key, nothing)
                    .DownloadAsync(null, CancellationToken.None).GetAwaiter().GetResult();
                Expect(firstUse.TrustedOnFirstUse && firstUse.SignedBy == byPublicKey.Certificates[0].SerialNumber, $"signed by {firstUse.SignedBy}, first use {firstUse.TrustedOnFirstUse}");
            });

            Check("the journal records the run and a reopened journal knows the row is done", () =>
            {
                Expect(terminated != null, "no terminate result to record");
                string path = Path.Combine(o["work"], "mono-smoke.jsonl");
                using (RunJournal journal = RunJournal.Open(FileJournalStore.Open(path, JournalAccess.Run)))
                {
                    journal.RecordSending(1, request!);
                    journal.RecordResult(terminated!);
                    journal.Commit();
                }

                using RunJournal reopened = RunJournal.Open(FileJournalStore.Open(path, JournalAccess.Run));
                using SHA256 sha = SHA256.Create();
                Expect(reopened.PreviousRecords == 2, $"{reopened.PreviousRecords} records");
                Expect(reopened.Previous(RowKey.Of(request!.Target, sha)) == WeChatPay.Payscore.JournalRowState.Done, "the row is not known as done");
            });

            if (o.TryGetValue("blob-journal", out string? blobJournal))
            {
                Check("a journal in a blob (Azurite): written in a group off the pipeline thread, held against a second run, read back as done", () =>
                {
                    using (RunJournal journal = RunJournal.Open(BlobJournalStore.Open(blobJournal, JournalAccess.Run)))
                    {
                        journal.RecordSending(1, request!);
                        Expect(journal.CommitAsync().GetAwaiter().GetResult(), journal.Failure?.Message ?? "not written");
                        try
                        {
                            RunJournal.Open(BlobJournalStore.Open(blobJournal, JournalAccess.Run)).Dispose();
                            Expect(false, "a second run opened the journal a run holds");
                        }
                        catch (PayscoreException ex)
                        {
                            Expect(ex.ErrorId == ErrorIds.JournalUnavailable, ex.ErrorId);
                        }

                        journal.RecordResult(terminated!);
                    }

                    using RunJournal reopened = RunJournal.Open(BlobJournalStore.Open(blobJournal, JournalAccess.Run));
                    using SHA256 sha = SHA256.Create();
                    Expect(reopened.PreviousRecords == 2, $"{reopened.PreviousRecords} records");
                    Expect(reopened.Previous(RowKey.Of(request!.Target, sha)) == WeChatPay.Payscore.JournalRowState.Done, "the row is not known as done");
                });
            }
            else
            {
                Console.WriteLine("  (a journal in a blob: not checked, Azurite is not restored here)");
            }

            Check("a notification the simulator wrote is verified and its resource decrypted (BouncyCastle's AES-GCM)", () =>
            {
                using var http = new System.Net.Http.HttpClient();
                var ask = new System.Net.Http.StringContent("{\"eventType\":\"PAYSCORE.USER_CLOSE_SERVICE\",\"openId\":\"oMonoNotified\",\"serviceId\":\"500001\"}", Encoding.UTF8, "application/json");
                string written = http.PostAsync(o["base-uri"].TrimEnd('/') + "/__sim/notifications", ask).GetAwaiter().GetResult().Content.ReadAsStringAsync().GetAwaiter().GetResult();
                // The simulator's answer is itself the JSON form of a stored notification: {headers, body, ...}.
                ApiV3Key apiV3Key = ApiV3Key.From(SecureText.FromPlainText(File.ReadAllText(o["apiv3-key"])), "apiv3_key.txt");
                var reader = new NotificationReader(wechatpayKeys, apiV3Key);
                PayscoreNotification notification = reader.Read(NotificationFile.Parse(Encoding.UTF8.GetBytes(written), "the stored notification", null));
                Expect(notification.OpenId == "oMonoNotified" && notification.EventType == "PAYSCORE.USER_CLOSE_SERVICE", $"{notification.EventType} for {notification.OpenId}");
            });

            Check("messages come from the module's own assembly in the session's language, carried to the thread pool", () =>
            {
                string Refusal() => System.Threading.Tasks.Task.Run(() =>
                {
                    try
                    {
                        MerchantPrivateKeyLoader.LoadFromPem("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----", "the text");
                        return "not refused";
                    }
                    catch (PayscoreException ex)
                    {
                        return ex.Message;
                    }
                }).GetAwaiter().GetResult();

                Messages.UseCulture(System.Globalization.CultureInfo.GetCultureInfo("zh-CN"));
                string chinese = Refusal();
                Messages.UseCulture(System.Globalization.CultureInfo.GetCultureInfo("en-US"));
                string english = Refusal();
                Expect(chinese.Any(c => c >= '\u4E00' && c <= '\u9FFF'), "the zh-CN refusal is in Chinese");
                Expect(!english.Any(c => c >= '\u4E00' && c <= '\u9FFF') && english.Length > 0, "the en-US refusal is in English");
            });

            Check("the dependencies came from the module's dependencies folder", () =>
            {
                string dependencies = Path.Combine(_moduleBin, DependencyResolver.FolderName);
                foreach (string name in new[] { "System.Text.Json", "System.Formats.Asn1", "BouncyCastle.Cryptography" })
                {
                    Assembly? loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
                    Expect(loaded != null && Path.GetDirectoryName(loaded.Location) == dependencies, $"{name} from {loaded?.Location ?? "nowhere"}");
                }
            });

            pkcs12?.Dispose();
            DependencyResolver.Uninstall();
        }

        private static string KnownAnswer(RSA key)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(1554208460);
            var signer = new RequestSigner("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", key, () => at, () => "593BEC0C930BF1AFEB40B4A08C8FB242");
            byte[] body = Encoding.UTF8.GetBytes("{\"appid\":\"wxd678efh567hg6787\",\"reason\":\"用户申请解除\"}");
            return signer.Sign("POST", "/v3/payscore/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/permissions/500001/terminate", body).Authorization;
        }

        private static RSA ImportPublic(RSA key)
        {
            RSA copy = RSA.Create();
            copy.ImportParameters(key.ExportParameters(false));
            return copy;
        }

        private static bool IsMono() => Type.GetType("Mono.Runtime") != null;

        private static void Check(string name, Action check)
        {
            try
            {
                check();
                _passed++;
                Console.WriteLine($"  [+] {name}");
            }
            catch (Exception ex)
            {
                Failures.Add(name);
                Console.WriteLine($"  [-] {name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        private static byte[] FromHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            }

            return bytes;
        }

        private static void Expect(bool condition, string why)
        {
            if (!condition)
            {
                throw new InvalidOperationException(why);
            }
        }

        private static Dictionary<string, string> ParseOptions(string[] args)
        {
            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                options[args[i].TrimStart('-')] = args[i + 1];
            }

            return options;
        }
    }
}
