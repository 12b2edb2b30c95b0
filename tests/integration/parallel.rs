//! Verification on many threads and with a warm verifier gives exactly the report of one
//! thread, cold: the same findings in the same order, wherever in the request they are.

use intentguard::bitcoin::bip32::{ChildNumber, DerivationPath};
use intentguard::bitcoin::Psbt;
use intentguard::{Code, Intent, Place, Policy, Report, Request, Timestamp, Verifier};

use crate::vectors::generator;

/// A signed 40-input request with three inputs spoiled: 3 and 37 carry a signature of
/// another input (valid, over the wrong message), 29 names another index in one key origin;
/// for P2WSH also 17, which carries the previous transaction of input 18.
fn spoiled(taproot: bool) -> (Policy, Intent, Request) {
    let (policy, intent, psbt) = generator::bench_request(taproot, 40);
    let mut psbt = Psbt::deserialize(&psbt).unwrap();
    for (to, from) in [(3, 4), (37, 36)] {
        if taproot {
            let theirs: Vec<_> = psbt.inputs[from].tap_script_sigs.values().copied().collect();
            for (sig, other) in psbt.inputs[to].tap_script_sigs.values_mut().zip(theirs) {
                *sig = other;
            }
        } else {
            let theirs: Vec<_> = psbt.inputs[from].partial_sigs.values().copied().collect();
            for (sig, other) in psbt.inputs[to].partial_sigs.values_mut().zip(theirs) {
                *sig = other;
            }
        }
    }
    if !taproot {
        psbt.inputs[17].non_witness_utxo = psbt.inputs[18].non_witness_utxo.clone();
    }
    let input = &mut psbt.inputs[29];
    let path = if taproot {
        &mut input.tap_key_origins.values_mut().next().unwrap().1 .1
    } else {
        &mut input.bip32_derivation.values_mut().next().unwrap().1
    };
    let mut steps: Vec<ChildNumber> = path.into_iter().copied().collect();
    *steps.last_mut().unwrap() = ChildNumber::Normal { index: 1_000 };
    *path = DerivationPath::from(steps);
    (
        Policy::from_toml(&policy).unwrap(),
        Intent::from_json(&intent).unwrap(),
        Request::from_bytes(&psbt.serialize()).unwrap(),
    )
}

fn places(report: &Report) -> Vec<(Code, Place)> {
    report.findings.iter().map(|f| (f.code, f.place)).collect()
}

#[test]
fn any_number_of_threads_and_a_warm_verifier_give_the_same_report() {
    let now: Timestamp = "2024-05-31T02:00:00Z".parse().unwrap();
    for taproot in [false, true] {
        let (policy, intent, request) = spoiled(taproot);
        let one = Verifier::new(policy.clone()).with_threads(1).with_remembered_derivations(0);
        let baseline = one.verify(&intent, &request, now, None).unwrap();
        // The inputs' UTXOs are read first, then their signatures.
        let mut want = vec![
            (Code::InputBadPartialSig, Place::Input(3)),
            (Code::InputNotOwned, Place::Input(29)),
            (Code::InputBadPartialSig, Place::Input(37)),
        ];
        if !taproot {
            want.insert(0, (Code::InputPrevTxMismatch, Place::Input(17)));
        }
        assert_eq!(places(&baseline), want, "taproot {taproot}: {:#?}", baseline.findings);
        assert_eq!(one.remembered_derivations(), 0);
        for threads in [2, 3, 5, 64] {
            let verifier = Verifier::new(policy.clone()).with_threads(threads);
            let cold = verifier.verify(&intent, &request, now, None).unwrap();
            assert_eq!(cold, baseline, "taproot {taproot}, {threads} threads, cold");
            // An input at each place (not 29, whose origins name none, nor for P2WSH 17,
            // whose UTXO is unknown), and the change's.
            let places = if taproot { 40 } else { 39 };
            assert_eq!(verifier.remembered_derivations(), places, "taproot {taproot}");
            let warm = verifier.verify(&intent, &request, now, None).unwrap();
            assert_eq!(warm, baseline, "taproot {taproot}, {threads} threads, warm");
        }
        let free = intentguard::verify(&policy, &intent, &request, now, None).unwrap();
        assert_eq!(free, baseline, "taproot {taproot}: the free function");
    }
}

#[test]
fn a_full_memory_starts_again_and_stays_within_its_bound() {
    let now: Timestamp = "2024-05-31T02:00:00Z".parse().unwrap();
    let (policy, intent, request) = spoiled(false);
    let baseline = Verifier::new(policy.clone()).verify(&intent, &request, now, None).unwrap();
    let small = Verifier::new(policy).with_remembered_derivations(16);
    for _ in 0..3 {
        assert_eq!(small.verify(&intent, &request, now, None).unwrap(), baseline);
        assert!(small.remembered_derivations() <= 16);
    }
}
