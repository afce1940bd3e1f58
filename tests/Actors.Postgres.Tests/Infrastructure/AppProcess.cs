using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A built app of this repository (Actors.Silo or Actors.Gateway) run as its own <c>dotnet</c> process, as in
/// production. Output is kept (the tail shows in failures). <see cref="Kill"/> is kill -9.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything written so far (the last 100-200 KB of a long run).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The process id (for signals: SIGSTOP, SIGCONT).</summary>
    public int Id => _process.Id;

    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length <= 4000 ? text : text[^4000..];
            }
        }
    }

    /// <summary>The exit code once exited (wait with <see cref="WaitForExitAsync"/>).</summary>
    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public static AppProcess Start(string project, string name, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(project, name, environment, workingDirectory: null, quietLogs: true, arguments);

    /// <summary>
    /// As an operator starts it: from <paramref name="workingDirectory"/>, with no log settings of the test's own (only
    /// the JSON console format, to read the lines back), so what it logs is what its own settings say.
    /// </summary>
    public static AppProcess StartAsOperator(string project, string name, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(project, name, environment, workingDirectory, quietLogs: false, arguments);

    private static AppProcess Start(
        string project, string name, IReadOnlyDictionary<string, string> environment, string? workingDirectory, bool quietLogs, string[] arguments)
    {
        var dll = Path.Combine(RepositoryRoot, "src", project, "bin", BuildConfiguration, "net10.0", project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build {project} first (dotnet build -c {BuildConfiguration}).", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (quietLogs)
        {
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Actors"] = "Information";
            start.Environment["Logging__Console__FormatterName"] = "simple";
        }
        else
        {
            start.Environment["Logging__Console__FormatterName"] = "json";
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new AppProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"Could not start {project}."));
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (<c>STOP</c>, <c>CONT</c>, ...) to the process, if it still runs.</summary>
    public void Signal(string signal)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and wait: a graceful stop.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }
        }
    }

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Actors.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Actors.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
