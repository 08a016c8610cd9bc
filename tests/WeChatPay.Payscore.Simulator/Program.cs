using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WeChatPay.Payscore.Simulator;

/// <summary>
/// Runs the simulator as its own process, for PowerShell tests, the demo and benchmarks. It always stops by
/// itself (max lifetime) so that an orphaned simulator never outlives its test run.
/// </summary>
public static class Program
{
    private const string Usage =
        "Usage: WeChatPay.Payscore.Simulator [--port N] [--key-dir DIR] [--info-file PATH] [--merchant-id ID]\n" +
        "         [--latency-ms N] [--max-lifetime-sec N (default 3600)]\n" +
        "         [--signing Auto|PublicKey|PlatformCertificate|Alternate] [--already-terminated Error|NoAuth|Success]\n" +
        "         [--timestamp-skew-sec N] [--public-key-only] [--fault-seed N] [--exit-on-stdin-eof]";

    public static async Task<int> Main(string[] args)
    {
        CommandLine command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }

        if (command.ShowHelp)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration? sigterm = TryRegister(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration? sigint = TryRegister(PosixSignal.SIGINT, OnSignal);

        WechatpaySimulator simulator;
        try
        {
            simulator = await WechatpaySimulator.StartAsync(command.Options);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync("The simulator could not start: " + e.Message);
            return 1;
        }

        await using (simulator)
        {
            string info = JsonSerializer.Serialize(simulator.Info, SimulatorJson.Control);
            if (command.InfoFile != null)
            {
                WriteAtomically(command.InfoFile, info);
            }

            Console.Out.WriteLine(info);
            Console.Out.Flush();

            _ = simulator.ShutdownRequested.ContinueWith(_ => stop.TrySetResult("shutdown requested"), TaskScheduler.Default);
            _ = Task.Delay(TimeSpan.FromSeconds(command.MaxLifetimeSeconds))
                .ContinueWith(_ => stop.TrySetResult("maximum lifetime reached"), TaskScheduler.Default);
            if (command.ExitOnStdinEof)
            {
                var reader = new Thread(() =>
                {
                    using Stream stdin = Console.OpenStandardInput();
                    byte[] buffer = new byte[256];
                    while (stdin.Read(buffer, 0, buffer.Length) > 0)
                    {
                    }

                    stop.TrySetResult("stdin closed");
                })
                { IsBackground = true, Name = "stdin watcher" };
                reader.Start();
            }

            string reason = await stop.Task;
            await Console.Error.WriteLineAsync($"Simulator stopping: {reason}.");
        }

        return 0;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult(context.Signal.ToString());
        }
    }

    /// <summary>A platform without the signal still has the other ways to stop, the max lifetime included.</summary>
    private static PosixSignalRegistration? TryRegister(PosixSignal signal, Action<PosixSignalContext> handler)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, handler);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Readers poll for the file; a rename makes it appear complete or not at all.</summary>
    private static void WriteAtomically(string path, string content)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = full + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, full, overwrite: true);
    }

    private sealed class CommandLine
    {
        public SimulatorOptions Options { get; } = new();

        public string? InfoFile { get; private set; }

        public int MaxLifetimeSeconds { get; private set; } = 3600;

        public bool ExitOnStdinEof { get; private set; }

        public bool ShowHelp { get; private set; }

        public static CommandLine Parse(string[] args)
        {
            var command = new CommandLine();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                switch (name)
                {
                    case "--port":
                        command.Options.Port = Int(name, Value(args, ref i), 0, 65535);
                        break;
                    case "--key-dir":
                        command.Options.KeyDirectory = Value(args, ref i);
                        break;
                    case "--info-file":
                        command.InfoFile = Value(args, ref i);
                        break;
                    case "--merchant-id":
                        command.Options.MerchantId = Value(args, ref i);
                        break;
                    case "--latency-ms":
                        command.Options.LatencyMs = Int(name, Value(args, ref i), 0, int.MaxValue);
                        break;
                    case "--max-lifetime-sec":
                        command.MaxLifetimeSeconds = Int(name, Value(args, ref i), 1, int.MaxValue / 1000);
                        break;
                    case "--timestamp-skew-sec":
                        command.Options.TimestampSkewSeconds = Int(name, Value(args, ref i), 0, int.MaxValue);
                        break;
                    case "--signing":
                        command.Options.ResponseSigning = Enum<ResponseSigningMode>(name, Value(args, ref i));
                        break;
                    case "--already-terminated":
                        command.Options.AlreadyTerminated = Enum<AlreadyTerminatedBehavior>(name, Value(args, ref i));
                        break;
                    case "--fault-seed":
                        command.Options.FaultSeed = Int(name, Value(args, ref i), 0, int.MaxValue);
                        break;
                    case "--public-key-only":
                        command.Options.PublicKeyOnly = true;
                        break;
                    case "--exit-on-stdin-eof":
                        command.ExitOnStdinEof = true;
                        break;
                    case "--help" or "-h" or "-?":
                        command.ShowHelp = true;
                        break;
                    default:
                        throw new FormatException($"Unknown argument '{name}'.");
                }
            }

            return command;
        }

        private static string Value(string[] args, ref int i)
        {
            if (i + 1 >= args.Length)
            {
                throw new FormatException($"{args[i]} needs a value.");
            }

            return args[++i];
        }

        private static int Int(string name, string value, int min, int max) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed >= min && parsed <= max
                ? parsed
                : throw new FormatException($"{name} expects a whole number from {min} to {max}, not '{value}'.");

        private static T Enum<T>(string name, string value)
            where T : struct, System.Enum =>
            System.Enum.TryParse(value, ignoreCase: true, out T parsed) && System.Enum.IsDefined(parsed)
                ? parsed
                : throw new FormatException($"{name} expects one of {string.Join(", ", System.Enum.GetNames<T>())}, not '{value}'.");
    }
}
