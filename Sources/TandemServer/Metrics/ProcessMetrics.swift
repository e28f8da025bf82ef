// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process's own resources in Prometheus text, read from `/proc` at each scrape:
/// the standard `process_*` metrics (CPU, resident and virtual memory, open and maximum file
/// descriptors, start time) and `tandem_memory_limit_bytes`, the memory the process may use
/// (its cgroup's `memory.max`, else the machine's memory), so that alerts can fire near limits.
/// Where `/proc` is missing (not Linux), the metrics are left out.
enum ProcessMetrics {
    static func write(into text: inout String) {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return }
        // Fields after the command name, which may hold spaces: field 3 (state) is index 0.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        guard fields.count > 21, ticks > 0 else { return }
        let cpu = (field(14) + field(15)) / ticks
        let bootTime = Self.bootTime()
        family(&text, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.", cpu)
        family(&text, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * page)
        family(&text, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23))
        if let bootTime {
            family(
                &text, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.",
                bootTime + field(22) / ticks)
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            family(&text, "process_open_fds", "gauge", "Open file descriptors.", Double(open.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            family(&text, "process_max_fds", "gauge", "The limit of open file descriptors.", Double(limit.rlim_cur))
        }
        if let memory = memoryLimit() {
            family(
                &text, "tandem_memory_limit_bytes", "gauge",
                "Memory the process may use: its cgroup's memory.max, else the machine's memory.", memory)
        }
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String, _ value: Double) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }

    /// Seconds since the epoch at which the machine booted (`btime` in /proc/stat).
    private static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func memoryLimit() -> Double? {
        if let raw = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            let bytes = Double(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return bytes
        }
        guard let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in info.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kib = line.dropFirst(9).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return kib.flatMap { Double($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
