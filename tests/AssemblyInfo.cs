// The tests run on Linux only (native libraries, /proc, Unix file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
