//! Measurements shared by the benchmarks: best-of timing, and the resident memory of this
//! process from `/proc/self/status` (Linux).

use std::time::{Duration, Instant};

/// The shortest of `reps` runs of `f`.
pub fn best_of(reps: usize, mut f: impl FnMut()) -> Duration {
    (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("at least one rep")
}

/// A `/proc/self/status` field in KiB; 0 where it cannot be read.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)
                .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

/// The resident set size now, in KiB.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// The peak resident set size since the last reset, in KiB.
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Resets the peak resident set size (Linux: `echo 5 > /proc/self/clear_refs`).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
