// Reads a server's CPU time and memory from /proc, and this process's own CPU time.

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds (user + system, all threads) and resident memory of a set of processes.
struct ProcSample {
    var cpuSeconds: Double
    var rssBytes: Int
    var threads: Int

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Sums over `pids`; a process that is gone counts as zero.
    static func read(_ pids: [Int32]) -> ProcSample {
        var sample = ProcSample(cpuSeconds: 0, rssBytes: 0, threads: 0)
        for pid in pids {
            if let stat = readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") {
                // Fields after "comm": state(3) ppid(4) ... utime(14) stime(15), 1-based.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) {
                    sample.cpuSeconds += (utime + stime) / ticksPerSecond
                }
            }
            if let status = readFile("/proc/\(pid)/status") {
                for line in status.split(separator: "\n") {
                    if line.hasPrefix("VmRSS:") {
                        let kb =
                            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
                        sample.rssBytes += kb * 1024
                    } else if line.hasPrefix("Threads:") {
                        sample.threads += line.split(separator: "\t").last.flatMap { Int($0.trimmingCharacters()) } ?? 0
                    }
                }
            }
        }
        return sample
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

/// This process's CPU seconds (user + system).
func selfCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Monotonic nanoseconds.
@inline(__always)
func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
