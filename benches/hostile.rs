//! `cargo bench --bench hostile`: what the worst request shapes cost (SPEC 2.7).
//!
//! Each row builds one hostile request with the deterministic generator, then times
//! `Request::from_bytes` + `verify` (best of a few runs) and measures the peak resident
//! memory while verifying and the size of the JSON report. The shapes:
//! - legacy `sh` with thousands of inputs and a multi-megabyte output: legacy sighashes
//!   serialise the whole transaction once per input, so checking its signatures would cost
//!   inputs × size; the weight limit refuses it before any signature work;
//! - the heaviest legacy `sh` requests a policy accepts, at the default limit (400,000 WU)
//!   and at the consensus limit (4,000,000 WU): the quadratic legacy sighash at its bound;
//! - an intent of N payments to one address and a PSBT of N outputs there, none with a paid
//!   amount: 2N findings whose messages could each list N amounts;
//! - 5,000 signed `wsh` inputs under the default limit: refused for their weight.
//!
//! `BENCH_WRITE=DIR` also writes each request (policy.toml, intent.json, request.psbt) to
//! DIR/<shape>/ so that another build can be timed on the same bytes.

#[allow(dead_code, reason = "the generator serves the vector tests too")]
#[path = "../examples/gen_vectors/generator.rs"]
mod generator;
#[path = "common/measure.rs"]
mod measure;

use intentguard::{verify, Intent, Policy, Report, Request, Timestamp};

/// A request to measure: policy, intent and PSBT bytes.
type Shape = (String, String, Vec<u8>);

fn main() {
    let now: Timestamp = "2024-05-31T02:00:00Z".parse().expect("time");
    let bench_policy = |p: String| p.replace("max_tx_weight = 4000000\n", "");
    let (wsh_policy, wsh_intent, wsh_psbt) = generator::bench_request(false, 5_000);
    let shapes: Vec<(&str, Shape)> = vec![
        ("sh 3000 in + 3.6 MB output", generator::legacy_request(3_000, 3_600_000, None)),
        ("sh 5000 in + 3.75 MB output", generator::legacy_request(5_000, 3_750_000, None)),
        ("sh heaviest at 400k WU", generator::legacy_request(330, 0, None)),
        ("sh heaviest at 4M WU", generator::legacy_request(3_330, 0, Some(4_000_000))),
        ("1000 payments x 1000 out", generator::many_payments_request(1_000)),
        ("2000 payments x 2000 out", generator::many_payments_request(2_000)),
        ("wsh 5000 in, default limit", (bench_policy(wsh_policy), wsh_intent, wsh_psbt)),
    ];
    println!(
        "shape                          PSBT MiB  verify ms  peak RSS MiB  findings  longest msg  report KiB  codes"
    );
    for (name, (policy, intent, psbt)) in shapes {
        if let Ok(dir) = std::env::var("BENCH_WRITE") {
            let dir = std::path::Path::new(&dir).join(name.replace(' ', "_"));
            std::fs::create_dir_all(&dir).expect("BENCH_WRITE directory");
            std::fs::write(dir.join("policy.toml"), &policy).expect("write");
            std::fs::write(dir.join("intent.json"), &intent).expect("write");
            std::fs::write(dir.join("request.psbt"), &psbt).expect("write");
        }
        let policy = Policy::from_toml(&policy).expect("policy");
        let intent = Intent::from_json(&intent).expect("intent");
        let rss_before = measure::rss_kib();
        measure::reset_peak_rss();
        let mut report = None;
        let time = measure::best_of(3, || {
            let request = Request::from_bytes(&psbt).expect("request");
            report = Some(verify(&policy, &intent, &request, now, None).expect("verify"));
        });
        let peak = measure::peak_rss_kib().saturating_sub(rss_before);
        let report: Report = report.expect("a report");
        let json = serde_json::to_vec(&report).expect("json");
        let longest = report.findings.iter().map(|f| f.message.chars().count()).max().unwrap_or(0);
        let mut codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        codes.dedup();
        println!(
            "{name:<30} {:>8.2}  {:>9.1}  {:>12.1}  {:>8}  {:>11}  {:>10.0}  {}",
            psbt.len() as f64 / (1024.0 * 1024.0),
            time.as_secs_f64() * 1e3,
            peak as f64 / 1024.0,
            report.findings.len(),
            longest,
            json.len() as f64 / 1024.0,
            codes.join(",")
        );
    }
}
