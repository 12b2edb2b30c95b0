//! `cargo bench --bench verify`: the verifier against the cryptographic floor.
//!
//! For signed requests of N inputs (2-of-3 `wsh(sortedmulti)` and taproot
//! `tr(NUMS, sortedmulti_a)`, full previous transactions, two signatures per input), it
//! times `Request::from_bytes` + `verify` and, on the same request, the floor: the minimum
//! work done directly with `bitcoin`/`secp256k1` — per input, derive the wallet's keys at the
//! input's index, build its script, hash the previous transaction, compute one sighash and
//! verify each signature. It prints µs per input for both, their ratio, and the peak
//! resident memory while verifying, for a verifier on one thread (cold: nothing remembered),
//! then the ratio to the same one-core floor of a cold verifier on every available thread
//! (`threads` columns) and of a warm one (the same request verified again: derivations
//! remembered) on every thread. Set `BENCH_SIZES=1,10,100` to choose N and
//! `BENCH_WALLETS=wsh` or `tr` to measure one wallet kind alone.

#[allow(dead_code, reason = "the generator serves the vector tests too")]
#[path = "../examples/gen_vectors/generator.rs"]
mod generator;
#[path = "common/measure.rs"]
mod measure;

use std::time::{Duration, Instant};

use intentguard::bitcoin::bip32::Xpub;
use intentguard::bitcoin::hashes::Hash;
use intentguard::bitcoin::key::XOnlyPublicKey;
use intentguard::bitcoin::opcodes::all::{
    OP_CHECKMULTISIG, OP_CHECKSIG, OP_CHECKSIGADD, OP_NUMEQUAL,
};
use intentguard::bitcoin::script::Builder;
use intentguard::bitcoin::secp256k1::{Message, Secp256k1, VerifyOnly};
use intentguard::bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use intentguard::bitcoin::taproot::{LeafVersion, TapLeafHash, TaprootBuilder};
use intentguard::bitcoin::{EcdsaSighashType, Psbt, PublicKey, ScriptBuf, TxOut};
use intentguard::miniscript::descriptor::DescriptorPublicKey;
use intentguard::miniscript::{Descriptor, ForEachKey};
use intentguard::{Intent, Policy, Request, Timestamp, Verifier};

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').map(|n| n.trim().parse().expect("BENCH_SIZES: numbers")).collect())
        .unwrap_or_else(|| vec![1, 10, 100, 1_000, 5_000]);
    let now: Timestamp = "2024-05-31T02:00:00Z".parse().expect("time");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{threads} threads available; ratios are to the one-core floor");
    println!(
        "wallet      N   1 thread µs/in  floor µs/in  ratio  all µs/in  ratio  warm µs/in  ratio  peak RSS MiB  PSBT MiB  limit MiB"
    );
    // BENCH_WALLETS=wsh or tr measures one kind alone: the peak memory figure of a kind run
    // second is understated, as the allocator reuses what the first one freed.
    let wallets = std::env::var("BENCH_WALLETS").unwrap_or_default();
    let kinds: Vec<bool> = match wallets.as_str() {
        "wsh" => vec![false],
        "tr" => vec![true],
        _ => vec![false, true],
    };
    for taproot in kinds {
        for &n in &sizes {
            let (policy, intent, psbt) = generator::bench_request(taproot, n);
            let policy = Policy::from_toml(&policy).expect("policy");
            let intent = Intent::from_json(&intent).expect("intent");
            let reps = (2_000 / n).clamp(3, 50);

            let rss_before = measure::rss_kib();
            measure::reset_peak_rss();
            let time = |verifier: &Verifier| {
                measure::best_of(reps, || {
                    let request = Request::from_bytes(&psbt).expect("request");
                    let report = verifier.verify(&intent, &request, now, None).expect("verify");
                    assert!(report.is_approved(), "{:?}", report.findings);
                })
            };
            let cold = |threads: usize| {
                Verifier::new(policy.clone()).with_threads(threads).with_remembered_derivations(0)
            };
            let one = time(&cold(1));
            let peak = measure::peak_rss_kib().saturating_sub(rss_before);
            let all = time(&cold(threads));
            let warm = Verifier::new(policy.clone()).with_threads(threads);
            let request = Request::from_bytes(&psbt).expect("request");
            warm.verify(&intent, &request, now, None).expect("verify");
            let warm = time(&warm);

            let parsed = Psbt::deserialize(&psbt).expect("psbt");
            let branch_keys = branch_xpubs(&policy);
            let secp = Secp256k1::verification_only();
            let floor =
                measure::best_of(reps, || assert!(floor(&secp, &parsed, &branch_keys, taproot)));

            let per_in = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
            let psbt_mib = psbt.len() as f64 / (1024.0 * 1024.0);
            let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
            println!(
                "{:<10} {:>5}  {:>14.1}  {:>11.1}  {:>5.2}  {:>9.1}  {:>5.2}  {:>10.1}  {:>5.2}  {:>12.1}  {:>8.2}  {:>9.1}",
                if taproot { "tr" } else { "wsh" },
                n,
                per_in(one),
                per_in(floor),
                ratio(one),
                per_in(all),
                ratio(all),
                per_in(warm),
                ratio(warm),
                peak as f64 / 1024.0,
                psbt_mib,
                4.0 * psbt_mib + 16.0
            );
        }
    }
    large_previous_transactions(now);
    junk_is_refused_fast();
}

/// 400 P2WSH inputs, each with a 200 KB previous transaction (an 80 MB request): hashing
/// them is most of the work, on one thread and on all.
fn large_previous_transactions(now: Timestamp) {
    let (policy, intent, psbt) = generator::bench_request_with_prev_txs_of(false, 400, 200_000);
    let policy = Policy::from_toml(&policy).expect("policy");
    let intent = Intent::from_json(&intent).expect("intent");
    let request = Request::from_bytes(&psbt).expect("request");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let time = |threads: usize| {
        let verifier =
            Verifier::new(policy.clone()).with_threads(threads).with_remembered_derivations(0);
        measure::best_of(3, || {
            let report = verifier.verify(&intent, &request, now, None).expect("verify");
            assert!(report.is_approved(), "{:?}", report.findings);
        })
    };
    let (one, all) = (time(1), time(threads));
    println!(
        "400 wsh inputs with 200 KB previous transactions ({:.0} MB): verify {:.1} ms on 1 thread, {:.1} ms on {threads}",
        psbt.len() as f64 / 1e6,
        one.as_secs_f64() * 1e3,
        all.as_secs_f64() * 1e3
    );
}

/// The wallet's extended keys at the receive branch, derived once.
fn branch_xpubs(policy: &Policy) -> Vec<Xpub> {
    let secp = Secp256k1::verification_only();
    let descriptor: &Descriptor<DescriptorPublicKey> = policy.wallet().descriptor();
    let mut out = Vec::new();
    descriptor.for_each_key(|k| {
        if let DescriptorPublicKey::MultiXPub(x) = k {
            let path = &x.derivation_paths.paths()[0];
            out.push(x.xkey.derive_pub(&secp, path).expect("unhardened"));
        }
        true
    });
    out
}

/// The minimum work: derive, build the script, hash the previous transaction, one sighash,
/// verify each signature.
fn floor(secp: &Secp256k1<VerifyOnly>, psbt: &Psbt, branch: &[Xpub], taproot: bool) -> bool {
    let tx = &psbt.unsigned_tx;
    let mut cache = SighashCache::new(tx);
    let prevouts: Vec<&TxOut> =
        psbt.inputs.iter().map(|i| i.witness_utxo.as_ref().expect("witness_utxo")).collect();
    let mut ok = true;
    for (n, input) in psbt.inputs.iter().enumerate() {
        let origin = input
            .bip32_derivation
            .values()
            .map(|(_, p)| p)
            .chain(input.tap_key_origins.values().map(|(_, (_, p))| p))
            .next()
            .expect("an origin");
        let index = origin.as_ref().last().copied().expect("an index");
        let keys: Vec<PublicKey> = branch
            .iter()
            .map(|x| PublicKey::new(x.derive_pub(secp, &[index]).expect("ckd").public_key))
            .collect();
        let prev = input.non_witness_utxo.as_ref().expect("previous transaction");
        ok &= prev.compute_txid() == tx.input[n].previous_output.txid;
        let value = prev.output[1].value;
        if taproot {
            let mut xonly: Vec<XOnlyPublicKey> =
                keys.iter().map(|k| k.inner.x_only_public_key().0).collect();
            xonly.sort_by_key(|k| k.serialize());
            let mut b = Builder::new();
            for (i, k) in xonly.iter().enumerate() {
                b = b.push_x_only_key(k).push_opcode(if i == 0 {
                    OP_CHECKSIG
                } else {
                    OP_CHECKSIGADD
                });
            }
            let leaf = b.push_int(2).push_opcode(OP_NUMEQUAL).into_script();
            let nums = input.tap_internal_key.expect("internal key");
            let info = TaprootBuilder::new()
                .add_leaf(0, leaf.clone())
                .expect("leaf")
                .finalize(secp, nums)
                .expect("tree");
            ok &= ScriptBuf::new_p2tr_tweaked(info.output_key()) == prev.output[1].script_pubkey;
            let leaf_hash = TapLeafHash::from_script(&leaf, LeafVersion::TapScript);
            let sighash = cache
                .taproot_script_spend_signature_hash(
                    n,
                    &Prevouts::All(&prevouts),
                    leaf_hash,
                    TapSighashType::Default,
                )
                .expect("sighash");
            let msg = Message::from_digest(sighash.to_byte_array());
            for ((key, _), sig) in &input.tap_script_sigs {
                ok &= secp.verify_schnorr(&sig.signature, &msg, key).is_ok();
            }
        } else {
            let mut sorted = keys.clone();
            sorted.sort_by_key(|k| k.inner.serialize());
            let mut b = Builder::new().push_int(2);
            for k in &sorted {
                b = b.push_key(k);
            }
            let script = b.push_int(3).push_opcode(OP_CHECKMULTISIG).into_script();
            ok &= ScriptBuf::new_p2wsh(&script.wscript_hash()) == prev.output[1].script_pubkey;
            let sighash = cache
                .p2wsh_signature_hash(n, &script, value, EcdsaSighashType::All)
                .expect("sighash");
            let msg = Message::from_digest(sighash.to_byte_array());
            for (key, sig) in &input.partial_sigs {
                ok &= secp.verify_ecdsa(&msg, &sig.signature, &key.inner).is_ok();
            }
        }
    }
    ok
}

/// A 100 MiB request of junk is refused, and how fast.
fn junk_is_refused_fast() {
    let junk = vec![b'x'; intentguard::MAX_REQUEST_BYTES];
    let start = Instant::now();
    let refused = Request::from_bytes(&junk).is_err();
    println!(
        "100 MiB of junk refused: {refused}, in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let mut magic = b"psbt\xff".to_vec();
    magic.resize(intentguard::MAX_REQUEST_BYTES, 0xff);
    let start = Instant::now();
    let refused = Request::from_bytes(&magic).is_err();
    println!(
        "100 MiB of junk after the PSBT magic refused: {refused}, in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
