//! Unit tests of the strict PSBT parser: fixtures built here (no vector files), hostile
//! inputs with the exact place of each refusal, version 0/2 equivalence, and the field rules.

use std::collections::BTreeMap;

use miniscript::bitcoin::bip32::{DerivationPath, Fingerprint, Xpriv, Xpub};
use miniscript::bitcoin::consensus::encode::{serialize, VarInt};
use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::psbt::{raw, PsbtSighashType};
use miniscript::bitcoin::secp256k1::{Message, Secp256k1, SecretKey};
use miniscript::bitcoin::{
    absolute, ecdsa, transaction, Amount, EcdsaSighashType, NetworkKind, OutPoint, PublicKey,
    ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness,
};

use super::maps::{read_map, InputV2};
use super::reader::Reader;
use super::*;

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

fn compact(n: usize) -> Vec<u8> {
    serialize(&VarInt::from(n))
}

/// One encoded key-value pair.
fn pair(key: &[u8], value: &[u8]) -> Vec<u8> {
    [compact(key.len()), key.to_vec(), compact(value.len()), value.to_vec()].concat()
}

/// A PSBT from its maps, each a list of encoded pairs.
fn psbt_bytes(global: &[Vec<u8>], inputs: &[Vec<Vec<u8>>], outputs: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for map in std::iter::once(global)
        .chain(inputs.iter().map(Vec::as_slice))
        .chain(outputs.iter().map(Vec::as_slice))
    {
        for p in map {
            out.extend_from_slice(p);
        }
        out.push(0x00);
    }
    out
}

fn public_key(seed: u8) -> PublicKey {
    let secp = Secp256k1::new();
    let sk = SecretKey::from_slice(&[seed; 32]).expect("a valid secret key");
    PublicKey::new(sk.public_key(&secp))
}

fn signature(seed: u8) -> ecdsa::Signature {
    let secp = Secp256k1::new();
    let sk = SecretKey::from_slice(&[seed; 32]).expect("a valid secret key");
    let sig = secp.sign_ecdsa(&Message::from_digest([7; 32]), &sk);
    ecdsa::Signature { signature: sig, sighash_type: EcdsaSighashType::All }
}

fn p2wpkh(seed: u8) -> ScriptBuf {
    ScriptBuf::new_p2wpkh(&public_key(seed).wpubkey_hash().expect("compressed"))
}

fn previous_tx() -> Transaction {
    Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint { txid: Txid::from_byte_array([0x22; 32]), vout: 3 },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::from_slice(&[vec![1u8; 71], vec![2u8; 33]]),
        }],
        output: vec![
            TxOut { value: Amount::from_sat(50_000), script_pubkey: p2wpkh(3) },
            TxOut { value: Amount::from_sat(1_000_000), script_pubkey: p2wpkh(1) },
        ],
    }
}

/// A version 0 PSBT with two inputs and two outputs and most kinds of field: a segwit
/// previous transaction, a partial signature, key origins, a global xpub, a sighash type,
/// taproot output data, and unknown and proprietary keys.
fn fixture() -> Psbt {
    let prev = previous_tx();
    let tx = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::from_consensus(800_000),
        input: vec![
            TxIn {
                previous_output: OutPoint { txid: prev.compute_txid(), vout: 1 },
                script_sig: ScriptBuf::new(),
                sequence: Sequence(0xffff_fffd),
                witness: Witness::new(),
            },
            TxIn {
                previous_output: OutPoint { txid: Txid::from_byte_array([0x11; 32]), vout: 0 },
                script_sig: ScriptBuf::new(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            },
        ],
        output: vec![
            TxOut { value: Amount::from_sat(600_000), script_pubkey: p2wpkh(4) },
            TxOut { value: Amount::from_sat(399_000), script_pubkey: p2wpkh(5) },
        ],
    };
    let mut psbt = Psbt::from_unsigned_tx(tx).expect("an unsigned transaction");
    let origin = |step: u32| {
        (Fingerprint::from([0xde, 0xad, 0xbe, 0xef]), DerivationPath::from(vec![step.into()]))
    };
    let secp = Secp256k1::new();
    let xpriv = Xpriv::new_master(NetworkKind::Main, &[9; 32]).expect("a master key");
    psbt.xpub.insert(Xpub::from_priv(&secp, &xpriv), origin(0));
    psbt.proprietary.insert(
        raw::ProprietaryKey { prefix: b"intentguard".to_vec(), subtype: 0, key: vec![1] },
        vec![0xaa],
    );

    let first = &mut psbt.inputs[0];
    first.witness_utxo = Some(prev.output[1].clone());
    first.non_witness_utxo = Some(prev);
    first.partial_sigs.insert(public_key(1), signature(1));
    first.bip32_derivation.insert(public_key(1).inner, origin(1));
    first.sighash_type = Some(PsbtSighashType::from(EcdsaSighashType::All));
    let second = &mut psbt.inputs[1];
    second.witness_utxo = Some(TxOut { value: Amount::from_sat(10_000), script_pubkey: p2wpkh(2) });
    second.unknown.insert(raw::Key { type_value: 0x1f, key: vec![1, 2] }, vec![3]);
    second
        .proprietary
        .insert(raw::ProprietaryKey { prefix: b"ig".to_vec(), subtype: 7, key: vec![] }, vec![9]);

    psbt.outputs[1].bip32_derivation.insert(public_key(5).inner, origin(5));
    psbt.outputs[1].tap_internal_key = Some(public_key(6).inner.x_only_public_key().0);
    psbt
}

/// Splits a PSBT into the byte ranges of its maps: (location, end offset after separator).
fn map_ends(bytes: &[u8], inputs: usize, outputs: usize) -> Vec<(Location, usize)> {
    let mut r = Reader::new(bytes.get(5..).expect("a header"));
    let mut ends = Vec::new();
    let end = |r: &Reader<'_>| bytes.len().saturating_sub(r.remaining());
    read_map(&mut r, Location::Global).expect("a global map");
    ends.push((Location::Global, end(&r)));
    for i in 0..inputs {
        read_map(&mut r, Location::Input(i)).expect("an input map");
        ends.push((Location::Input(i), end(&r)));
    }
    for i in 0..outputs {
        read_map(&mut r, Location::Output(i)).expect("an output map");
        ends.push((Location::Output(i), end(&r)));
    }
    assert_eq!(end(&r), bytes.len());
    ends
}

/// The same transaction as `v0` as a version 2 PSBT: every pair of every map kept, the
/// unsigned transaction replaced by the BIP-370 fields.
fn to_v2(v0: &Psbt) -> Vec<u8> {
    let bytes = v0.serialize();
    let tx = &v0.unsigned_tx;
    let mut r = Reader::new(bytes.get(5..).expect("a header"));
    let mut maps = Vec::new();
    for at in std::iter::once(Location::Global)
        .chain((0..tx.input.len()).map(Location::Input))
        .chain((0..tx.output.len()).map(Location::Output))
    {
        maps.push(read_map(&mut r, at).expect("a map").to_vec());
    }
    let mut out = MAGIC.to_vec();
    // The global map without PSBT_GLOBAL_UNSIGNED_TX (its first pair, as bitcoin writes it).
    let global = &maps[0];
    let tx_pair_len = pair(&[0x00], &serialize(tx)).len();
    out.extend(pair(&[0x02], &tx.version.0.to_le_bytes()));
    out.extend(pair(&[0x03], &tx.lock_time.to_consensus_u32().to_le_bytes()));
    out.extend(pair(&[0x04], &compact(tx.input.len())));
    out.extend(pair(&[0x05], &compact(tx.output.len())));
    out.extend(pair(&[0xfb], &2u32.to_le_bytes()));
    out.extend_from_slice(&global[tx_pair_len..]);
    out.push(0x00);
    for (txin, map) in tx.input.iter().zip(&maps[1..]) {
        out.extend(pair(&[0x0e], &txin.previous_output.txid.to_byte_array()));
        out.extend(pair(&[0x0f], &txin.previous_output.vout.to_le_bytes()));
        out.extend(pair(&[0x10], &txin.sequence.0.to_le_bytes()));
        out.extend_from_slice(map);
        out.push(0x00);
    }
    for (txout, map) in tx.output.iter().zip(maps[1..].iter().skip(tx.input.len())) {
        out.extend(pair(&[0x03], &txout.value.to_sat().to_le_bytes()));
        out.extend(pair(&[0x04], txout.script_pubkey.as_bytes()));
        out.extend_from_slice(map);
        out.push(0x00);
    }
    out
}

/// A version 0 PSBT spending four outpoints to one output, with `extra` pairs added to
/// input map `index`.
fn four_inputs_with(index: usize, extra: &[Vec<u8>]) -> Vec<u8> {
    let tx = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: (0..4u8)
            .map(|i| TxIn {
                previous_output: OutPoint { txid: Txid::from_byte_array([i; 32]), vout: 0 },
                ..TxIn::default()
            })
            .collect(),
        output: vec![TxOut { value: Amount::from_sat(1), script_pubkey: p2wpkh(1) }],
    };
    let mut inputs = vec![Vec::new(); 4];
    inputs[index] = extra.to_vec();
    psbt_bytes(&[pair(&[0x00], &serialize(&tx))], &inputs, &[Vec::new()])
}

/// The encoded pairs of one map.
type Pairs = Vec<Vec<u8>>;

/// The maps of a minimal version 2 PSBT, one input and one output, required fields only.
fn v2_maps() -> (Pairs, Pairs, Pairs) {
    let global = vec![
        pair(&[0x02], &2i32.to_le_bytes()),
        pair(&[0x04], &[1]),
        pair(&[0x05], &[1]),
        pair(&[0xfb], &2u32.to_le_bytes()),
    ];
    let input = vec![pair(&[0x0e], &[0x33; 32]), pair(&[0x0f], &0u32.to_le_bytes())];
    let output = vec![pair(&[0x03], &5_000u64.to_le_bytes()), pair(&[0x04], p2wpkh(1).as_bytes())];
    (global, input, output)
}

/// A minimal version 2 PSBT with extra pairs in its maps.
fn v2_with(global: &[Vec<u8>], input: &[Vec<u8>], output: &[Vec<u8>]) -> Vec<u8> {
    let (mut g, mut i, mut o) = v2_maps();
    g.extend_from_slice(global);
    i.extend_from_slice(input);
    o.extend_from_slice(output);
    psbt_bytes(&g, &[i], &[o])
}

#[track_caller]
fn refused(bytes: &[u8]) -> (Location, Option<u64>, String) {
    let err = parse(bytes).expect_err("the PSBT must be refused");
    (err.location(), err.key_type(), err.problem().to_owned())
}

// ---------------------------------------------------------------------------------------
// Valid PSBTs
// ---------------------------------------------------------------------------------------

#[test]
fn a_version_0_psbt_parses_to_bitcoins_model_of_it() {
    let psbt = fixture();
    let parsed = parse(&psbt.serialize()).expect("a valid PSBT");
    assert_eq!(
        parsed,
        ParsedPsbt { version: 0, psbt, locktime_determined: true, xpub_versions: BTreeMap::new() }
    );
}

#[test]
fn a_version_0_psbt_round_trips_through_bitcoins_encoder() {
    let parsed = parse(&fixture().serialize()).expect("a valid PSBT");
    assert_eq!(parse(&parsed.psbt.serialize()), Ok(parsed));
}

#[test]
fn a_version_2_psbt_and_a_version_0_psbt_of_one_transaction_give_the_same_view() {
    let v0 = parse(&fixture().serialize()).expect("a valid version 0 PSBT");
    let v2 = parse(&to_v2(&fixture())).expect("a valid version 2 PSBT");
    assert_eq!(v2.version, 2);
    assert!(v2.locktime_determined);
    assert_eq!(v2.psbt.unsigned_tx.compute_txid(), v0.psbt.unsigned_tx.compute_txid());
    // Not only the transaction: every other field is carried over, and nothing is added.
    assert_eq!(v2.psbt, v0.psbt);
}

#[test]
fn a_version_2_psbt_without_sequences_or_locktimes_gets_final_sequences_and_locktime_0() {
    let parsed = parse(&v2_with(&[], &[], &[])).expect("a valid PSBT");
    let tx = &parsed.psbt.unsigned_tx;
    assert_eq!((parsed.version, parsed.locktime_determined, parsed.psbt.version), (2, true, 0));
    assert_eq!(tx.version, transaction::Version::TWO);
    assert_eq!(tx.lock_time, absolute::LockTime::ZERO);
    assert_eq!(
        tx.input[0].previous_output,
        OutPoint { txid: Txid::from_byte_array([0x33; 32]), vout: 0 }
    );
    assert_eq!(tx.input[0].sequence, Sequence::MAX);
    assert_eq!(tx.output, vec![TxOut { value: Amount::from_sat(5_000), script_pubkey: p2wpkh(1) }]);
}

#[test]
fn a_version_2_locktime_that_cannot_be_determined_is_flagged_and_zero() {
    let (mut global, _, _) = v2_maps();
    global[1] = pair(&[0x04], &[2]);
    global[2] = pair(&[0x05], &[0]);
    global.push(pair(&[0x03], &7u32.to_le_bytes()));
    let input = |n: u8, lock: Vec<u8>| vec![pair(&[0x0e], &[n; 32]), pair(&[0x0f], &[0; 4]), lock];
    let height = input(1, pair(&[0x12], &10_000u32.to_le_bytes()));
    let time = input(2, pair(&[0x11], &1_657_048_460u32.to_le_bytes()));
    let parsed = parse(&psbt_bytes(&global, &[height, time], &[])).expect("a valid PSBT");
    assert!(!parsed.locktime_determined);
    assert_eq!(parsed.psbt.unsigned_tx.lock_time, absolute::LockTime::ZERO);
}

#[test]
fn bip370_locktime_rules() {
    let input = |time: Option<u32>, height: Option<u32>| InputV2 {
        time_locktime: time,
        height_locktime: height,
        ..InputV2::default()
    };
    let t = 1_657_048_459;
    // No input requires a locktime: the fallback, or 0.
    assert_eq!(v2::locktime(None, &[input(None, None)]), Some(0));
    assert_eq!(v2::locktime(Some(99), &[input(None, None)]), Some(99));
    assert_eq!(v2::locktime(Some(99), &[]), Some(99));
    // One type required by all that require one: its maximum; the fallback is ignored.
    assert_eq!(
        v2::locktime(Some(99), &[input(None, Some(10_000)), input(None, None)]),
        Some(10_000)
    );
    assert_eq!(
        v2::locktime(None, &[input(None, Some(10_000)), input(None, Some(9_000))]),
        Some(10_000)
    );
    assert_eq!(v2::locktime(None, &[input(Some(t), None), input(Some(t + 1), None)]), Some(t + 1));
    // Both types possible: height is preferred.
    assert_eq!(
        v2::locktime(None, &[input(Some(t), Some(10_000)), input(None, Some(9_000))]),
        Some(10_000)
    );
    assert_eq!(
        v2::locktime(None, &[input(Some(t), Some(10_000)), input(Some(t + 1), None)]),
        Some(t + 1)
    );
    // No common type.
    assert_eq!(v2::locktime(None, &[input(None, Some(10_000)), input(Some(t), None)]), None);
}

#[test]
fn unknown_and_proprietary_keys_are_kept() {
    let unknown = pair(&[0x1f, 0xab], &[1, 2, 3]);
    let big_type = pair(&[0xfd, 0x00, 0x01], &[4]); // key type 256, as a compact size
    let proprietary = pair(&[0xfc, 0x02, b'i', b'g', 0x05, 0xcc], &[5]);
    let bytes = four_inputs_with(2, &[unknown, big_type, proprietary]);
    let parsed = parse(&bytes).expect("a valid PSBT");
    let input = &parsed.psbt.inputs[2];
    assert_eq!(input.unknown.len(), 2);
    assert_eq!(input.proprietary.len(), 1);
    assert_eq!(parse(&parsed.psbt.serialize()), Ok(parsed));
}

// ---------------------------------------------------------------------------------------
// Hostile inputs
// ---------------------------------------------------------------------------------------

/// Cuts `bytes` at every offset and requires an error (not a panic) in the map the cut
/// falls in; a cut on a map boundary leaves the next map missing.
fn every_truncation_is_refused_where_it_cuts(bytes: &[u8], inputs: usize, outputs: usize) {
    let ends = map_ends(bytes, inputs, outputs);
    for cut in 0..bytes.len() {
        let expected = if cut < 5 {
            Location::Header
        } else {
            ends.iter().find(|(_, end)| *end > cut).map(|(at, _)| *at).expect("a map")
        };
        let err = parse(&bytes[..cut]).expect_err("a truncated PSBT");
        assert_eq!(err.location(), expected, "cut at {cut} of {}: {err}", bytes.len());
    }
}

#[test]
fn a_psbt_truncated_at_any_byte_is_refused_in_the_map_it_cuts() {
    let v0 = fixture();
    every_truncation_is_refused_where_it_cuts(&v0.serialize(), 2, 2);
    every_truncation_is_refused_where_it_cuts(&to_v2(&v0), 2, 2);
}

#[test]
fn a_length_prefix_of_2_pow_64_is_refused_without_allocating() {
    let mut bytes = MAGIC.to_vec();
    bytes.extend([0xff; 9]);
    assert_eq!(
        refused(&bytes),
        (
            Location::Global,
            None,
            "the key needs 18446744073709551615 bytes but only 0 remain".into()
        )
    );
    // The same as a value length.
    let mut bytes = MAGIC.to_vec();
    bytes.extend([0x01, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(
        refused(&bytes),
        (
            Location::Global,
            Some(0xfb),
            "the value needs 18446744073709551615 bytes but only 0 remain".into()
        )
    );
}

#[test]
fn a_huge_input_count_is_refused_before_any_map_is_read() {
    let mut g = vec![
        pair(&[0x02], &2i32.to_le_bytes()),
        pair(&[0x05], &[0]),
        pair(&[0xfb], &2u32.to_le_bytes()),
    ];
    g.push(pair(&[0x04], &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    assert_eq!(
        refused(&psbt_bytes(&g, &[], &[])),
        (
            Location::Global,
            None,
            "the transaction has 18446744073709551615 inputs; no transaction that fits in a block has more than 24390".into()
        )
    );
}

#[test]
fn counts_up_to_what_fits_in_a_block_read_the_maps() {
    for (count_key, count, location) in [
        (0x04u8, crate::parse::psbt::MAX_INPUTS, Location::Input(0)),
        (0x05, crate::parse::psbt::MAX_OUTPUTS, Location::Output(0)),
    ] {
        let mut g = vec![pair(&[0x02], &2i32.to_le_bytes()), pair(&[0xfb], &2u32.to_le_bytes())];
        let compact = |n: u64| compact(usize::try_from(n).unwrap());
        g.push(pair(&[0x04], &compact(if count_key == 0x04 { count } else { 0 })));
        g.push(pair(&[0x05], &compact(if count_key == 0x05 { count } else { 0 })));
        assert_eq!(refused(&psbt_bytes(&g, &[], &[])).0, location);
        // One more is refused in the global map.
        g.pop();
        g.pop();
        g.push(pair(&[0x04], &compact(if count_key == 0x04 { count + 1 } else { 0 })));
        g.push(pair(&[0x05], &compact(if count_key == 0x05 { count + 1 } else { 0 })));
        assert_eq!(refused(&psbt_bytes(&g, &[], &[])).0, Location::Global);
    }
}

#[test]
fn an_unsigned_transaction_declaring_more_inputs_than_its_bytes_hold_is_refused() {
    // Version, then 0xffffffff inputs, then nothing.
    let tx = [2, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
    assert_eq!(
        refused(&psbt_bytes(&[pair(&[0x00], &tx)], &[], &[])),
        (
            Location::Global,
            Some(0x00),
            "the transaction declares 4294967295 inputs but only 4 bytes remain".into()
        )
    );
}

#[test]
fn bytes_after_the_last_output_map_are_refused_though_bitcoin_accepts_them() {
    let mut bytes = fixture().serialize();
    bytes.push(0x00);
    assert_eq!(
        refused(&bytes),
        (Location::AfterLastMap, None, "1 byte follows the last output map".into())
    );
    // R17: why this layer exists.
    let mut rest = bytes.as_slice();
    assert!(Psbt::deserialize_from_reader(&mut rest).is_ok());
    assert_eq!(rest, [0x00]);
}

#[test]
fn a_key_twice_in_a_map_is_refused() {
    let bytes =
        four_inputs_with(1, &[pair(&[0x1f], &[1]), pair(&[0x1e], &[]), pair(&[0x1f], &[2])]);
    assert_eq!(
        refused(&bytes),
        (Location::Input(1), Some(0x1f), "the key 1f appears more than once in this map".into())
    );
}

#[test]
fn a_compact_size_not_in_its_shortest_form_is_refused() {
    let mut bytes = MAGIC.to_vec();
    bytes.extend([0xfd, 0x01, 0x00, 0xfb]);
    assert_eq!(
        refused(&bytes),
        (
            Location::Global,
            None,
            "the key length (1) is not in the shortest compact-size encoding".into()
        )
    );
}

#[test]
fn the_header_must_be_the_magic() {
    let expected = (
        Location::Header,
        None,
        "the bytes do not start with the PSBT magic 70 73 62 74 ff (\"psbt\\xff\")".to_owned(),
    );
    assert_eq!(refused(b""), expected);
    assert_eq!(refused(b"psbt"), expected);
    assert_eq!(refused(b"psbu\xff\x00"), expected);
}

#[test]
fn inputs_larger_than_the_request_limit_are_refused_unread() {
    let huge = vec![0u8; MAX_REQUEST_BYTES + 1];
    assert_eq!(refused(&huge).0, Location::Header);
}

// ---------------------------------------------------------------------------------------
// Field rules
// ---------------------------------------------------------------------------------------

#[test]
fn errors_display_where_which_key_and_what() {
    let key = [[0x02].as_slice(), &[0x02; 34]].concat();
    let err =
        parse(&four_inputs_with(3, &[pair(&key, &signature(1).to_vec())])).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "input 3, key type 0x02 (PSBT_IN_PARTIAL_SIG): the key data is 34 bytes; a public key is 33 or 65 bytes"
    );
}

#[test]
fn versions_other_than_0_and_2_are_refused() {
    for version in [1u32, 3, u32::MAX] {
        let bytes = psbt_bytes(&[pair(&[0xfb], &version.to_le_bytes())], &[], &[]);
        assert_eq!(
            refused(&bytes),
            (
                Location::Global,
                Some(0xfb),
                format!("version {version} is not a PSBT version; PSBTs are version 0 or 2")
            )
        );
    }
}

#[test]
fn fields_of_the_other_version_are_refused() {
    assert_eq!(
        refused(&four_inputs_with(2, &[pair(&[0x10], &0u32.to_le_bytes())])),
        (
            Location::Input(2),
            Some(0x10),
            "this field exists only in version 2 PSBTs; this one is version 0".into()
        )
    );
    let tx = serialize(&fixture().unsigned_tx);
    assert_eq!(
        refused(&v2_with(&[pair(&[0x00], &tx)], &[], &[])),
        (
            Location::Global,
            Some(0x00),
            "a version 2 PSBT must not have an unsigned transaction".into()
        )
    );
}

#[test]
fn a_previous_transaction_must_match_the_outpoint() {
    let prev = previous_tx();
    let mut psbt = fixture();
    psbt.unsigned_tx.input[0].previous_output.vout = 2;
    psbt.inputs[0].non_witness_utxo = Some(prev.clone());
    assert_eq!(
        refused(&psbt.serialize()),
        (
            Location::Input(0),
            Some(0x00),
            "the input spends output 2 but the previous transaction has 2 outputs".into()
        )
    );
    psbt.unsigned_tx.input[0].previous_output =
        OutPoint { txid: Txid::from_byte_array([5; 32]), vout: 0 };
    let (at, key_type, problem) = refused(&psbt.serialize());
    assert_eq!((at, key_type), (Location::Input(0), Some(0x00)));
    assert_eq!(
        problem,
        format!(
            "the previous transaction's txid is {} but the input spends {}:0",
            prev.compute_txid(),
            Txid::from_byte_array([5; 32])
        )
    );
}

#[test]
fn version_2_locktime_fields_must_be_in_range() {
    for (key_type, value, problem) in [
        (0x11, 499_999_999u32, "the time-based locktime 499999999 is below 500000000"),
        (0x12, 0, "the height-based locktime 0 is not between 1 and 499999999"),
        (0x12, 500_000_000, "the height-based locktime 500000000 is not between 1 and 499999999"),
    ] {
        assert_eq!(
            refused(&v2_with(&[], &[pair(&[key_type], &value.to_le_bytes())], &[])),
            (Location::Input(0), Some(u64::from(key_type)), problem.to_owned())
        );
    }
}

#[test]
fn required_version_2_fields_are_named_when_missing() {
    let message = "this field is required in version 2 PSBTs but missing".to_owned();
    for (at, key_type) in [
        (Location::Global, 0x02),
        (Location::Global, 0x04),
        (Location::Global, 0x05),
        (Location::Input(0), 0x0e),
        (Location::Input(0), 0x0f),
        (Location::Output(0), 0x03),
        (Location::Output(0), 0x04),
    ] {
        let (mut g, mut i, mut o) = v2_maps();
        let map = match at {
            Location::Global => &mut g,
            Location::Input(_) => &mut i,
            _ => &mut o,
        };
        map.retain(|p| p[1] != key_type);
        assert_eq!(
            refused(&psbt_bytes(&g, &[i], &[o])),
            (at, Some(u64::from(key_type)), message.clone())
        );
    }
    let (g, _, _) = v2_maps();
    let v0_like = psbt_bytes(&g[..3], &[], &[]);
    // Without PSBT_GLOBAL_VERSION the PSBT is version 0, which needs an unsigned transaction.
    assert_eq!(
        refused(&v0_like),
        (
            Location::Global,
            Some(0x02),
            "this field exists only in version 2 PSBTs; this one is version 0".into()
        )
    );
}

#[test]
fn taproot_signatures_are_64_or_65_bytes_with_a_defined_sighash() {
    assert_eq!(fields::schnorr_signature(&[1; 64]), Ok(()));
    assert_eq!(fields::schnorr_signature(&[[1; 64].as_slice(), &[0x83]].concat()), Ok(()));
    assert!(fields::schnorr_signature(&[1; 63]).is_err());
    assert!(fields::schnorr_signature(&[1; 66]).is_err());
    // BIP-341: SIGHASH_DEFAULT is a 64-byte signature, never an explicit 0x00.
    assert_eq!(
        fields::schnorr_signature(&[[1; 64].as_slice(), &[0x00]].concat()),
        Err("the 65-byte signature ends in sighash type 0x00; BIP-341 allows 0x01-0x03 and 0x81-0x83".into())
    );
}

#[test]
fn ecdsa_signatures_are_strict_der_with_a_defined_sighash() {
    let good = signature(1).to_vec();
    assert_eq!(fields::ecdsa_signature(&good), Ok(()));
    let mut undefined = good.clone();
    *undefined.last_mut().expect("a sighash byte") = 0x04;
    assert_eq!(
        fields::ecdsa_signature(&undefined),
        Err("the signature's sighash type 0x04 is not defined".into())
    );
    let mut padded = good.clone();
    padded[1] += 1; // total length no longer matches
    assert!(fields::ecdsa_signature(&padded).is_err());
    assert!(fields::ecdsa_signature(&[]).is_err());
    assert!(fields::ecdsa_signature(&good[..good.len() - 2]).is_err());
    // Every prefix and every one-byte change is checked without a panic.
    for cut in 0..good.len() {
        let _ = fields::ecdsa_signature(&good[..cut]);
    }
    for i in 0..good.len() {
        for b in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut changed = good.clone();
            changed[i] = b;
            let _ = fields::ecdsa_signature(&changed);
        }
    }
}

/// A tap tree value from (depth, script) leaves of leaf version 0xc0.
fn tree(leaves: &[u8]) -> Vec<u8> {
    leaves.iter().flat_map(|&depth| [depth, 0xc0, 0x01, 0x51]).collect()
}

#[test]
fn tap_trees_must_be_complete_and_in_depth_first_order() {
    for ok in [&[0][..], &[1, 1], &[1, 2, 2], &[2, 2, 1], &[2, 3, 3, 2, 3, 3]] {
        assert_eq!(fields::tap_tree(&tree(ok)), Ok(()), "{ok:?}");
    }
    let mut deep: Vec<u8> = (1..=128).collect();
    deep.push(128);
    assert_eq!(fields::tap_tree(&tree(&deep)), Ok(()));
    for (bad, problem) in [
        (&[][..], "the tap tree is empty"),
        (&[1], "the 1 leaves do not form a complete tree"),
        (&[1, 1, 1], "leaf 2 comes after the tree is already complete"),
        (&[0, 0], "leaf 1 comes after the tree is already complete"),
        (&[2, 1, 2], "leaf 1 at depth 1 breaks depth-first order"),
        (&[129, 129], "leaf 0 has depth 129; the most is 128"),
    ] {
        assert_eq!(fields::tap_tree(&tree(bad)), Err(problem.to_owned()), "{bad:?}");
    }
    assert_eq!(
        fields::tap_tree(&[1, 0xc1, 0x00, 1, 0xc0, 0x00]),
        Err("leaf 0: 0xc1 is not a valid taproot leaf version".into())
    );
    assert_eq!(
        fields::tap_tree(&[0, 0xc0, 0x05, 0x51]),
        Err("leaf 0's script needs 5 bytes but only 1 remain".into())
    );
}

#[test]
fn tap_trees_are_accepted_exactly_when_bitcoins_builder_completes_them() {
    use miniscript::bitcoin::taproot::{TapTree, TaprootBuilder};
    // Every sequence of up to 6 leaves at depths 0 to 4.
    let mut sequences: Vec<Vec<u8>> = vec![Vec::new()];
    for _ in 0..6 {
        let longer: Vec<Vec<u8>> = sequences
            .iter()
            .filter(|s| s.len() == sequences.last().map_or(0, Vec::len))
            .flat_map(|s| (0..=4).map(move |d| [s.as_slice(), &[d]].concat()))
            .collect();
        sequences.extend(longer);
    }
    let mut complete = 0;
    for depths in sequences.iter().filter(|s| !s.is_empty()) {
        let mut builder = Some(TaprootBuilder::new());
        for &depth in depths {
            builder =
                builder.and_then(|b| b.add_leaf(depth, ScriptBuf::from_bytes(vec![0x51])).ok());
        }
        let theirs = builder.is_some_and(|b| TapTree::try_from(b).is_ok());
        let ours = fields::tap_tree(&tree(depths)).is_ok();
        assert_eq!(ours, theirs, "{depths:?}");
        complete += usize::from(ours);
    }
    assert!(complete > 10, "only {complete} complete trees");
}

#[test]
fn musig2_fields_are_checked_as_bip373_says() {
    let agg = public_key(1).to_bytes();
    let part = public_key(2).to_bytes();
    let mut not_a_point = agg.clone();
    not_a_point[0] = 0x05;
    let participants = |key: &[u8], value: &[u8]| {
        four_inputs_with(0, &[pair(&[[0x1a].as_slice(), key].concat(), value)])
    };
    assert!(parse(&participants(&agg, &[part.clone(), public_key(3).to_bytes()].concat())).is_ok());
    assert_eq!(
        refused(&participants(&agg[..32], &part)),
        (
            Location::Input(0),
            Some(0x1a),
            "the aggregate public key is 32 bytes; a compressed public key is 33 bytes".into()
        )
    );
    assert_eq!(
        refused(&participants(&not_a_point, &part)),
        (
            Location::Input(0),
            Some(0x1a),
            "the aggregate public key is not a valid public key".into()
        )
    );
    assert_eq!(
        refused(&participants(&agg, &part[..32])),
        (
            Location::Input(0),
            Some(0x1a),
            "the value is 32 bytes, not a whole number of 33-byte compressed public keys".into()
        )
    );
    let nonce_key = [[0x1b].as_slice(), &part, &agg].concat();
    assert!(parse(&four_inputs_with(0, &[pair(&nonce_key, &[2; 66])])).is_ok());
    assert_eq!(
        refused(&four_inputs_with(0, &[pair(&nonce_key, &[2; 65])])),
        (
            Location::Input(0),
            Some(0x1b),
            "the value is 65 bytes; a MuSig2 public nonce is 66 bytes".into()
        )
    );
    let sig_key = [[0x1c].as_slice(), &part, &agg, &[7; 32]].concat();
    assert!(parse(&four_inputs_with(0, &[pair(&sig_key, &[2; 32])])).is_ok());
    assert_eq!(
        refused(&four_inputs_with(0, &[pair(&sig_key[..98], &[2; 32])])).2,
        "the key data is 97 bytes; it is a participant and an aggregate compressed public key (66 bytes), and optionally a 32-byte leaf hash (98 bytes)"
    );
}

#[test]
fn hash_preimages_must_hash_to_their_key() {
    use miniscript::bitcoin::hashes::sha256;
    let preimage = b"intentguard";
    let key = [[0x0b].as_slice(), sha256::Hash::hash(preimage).as_byte_array()].concat();
    assert!(parse(&four_inputs_with(0, &[pair(&key, preimage)])).is_ok());
    assert_eq!(
        refused(&four_inputs_with(0, &[pair(&key, b"something else")])),
        (
            Location::Input(0),
            Some(0x0b),
            "the value is not a preimage of the key's SHA256 hash".into()
        )
    );
}

#[test]
fn proprietary_keys_need_an_identifier_and_a_subtype() {
    assert_eq!(
        refused(&four_inputs_with(0, &[pair(&[0xfc], &[1])])),
        (
            Location::Input(0),
            Some(0xfc),
            "the proprietary identifier needs 1 byte but only 0 remain".into()
        )
    );
    assert_eq!(
        refused(&four_inputs_with(0, &[pair(&[0xfc, 0x02, b'i', b'g'], &[1])])),
        (
            Location::Input(0),
            Some(0xfc),
            "the proprietary subtype needs 1 byte but only 0 remain".into()
        )
    );
}

/// BIP-84's account 0 extended public key for the mnemonic "abandon abandon … about", as
/// wallets show it: SLIP-132 `zpub` (native segwit) version bytes.
const BIP84_ZPUB: &str = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";

/// The 78 bytes of a base58 extended key, version bytes included.
fn extended_key_bytes(base58: &str) -> Vec<u8> {
    miniscript::bitcoin::base58::decode_check(base58).expect("a base58check key")
}

/// `psbt` with one global xpub whose key data is `key_data` (any version bytes), encoded.
fn with_global_xpub(psbt: &Psbt, key_data: &[u8]) -> Vec<u8> {
    let mut psbt = psbt.clone();
    psbt.xpub.clear();
    let mut bytes = psbt.serialize();
    // bitcoin writes the unsigned transaction first; the xpub goes right after it.
    let tx_pair_len = pair(&[0x00], &serialize(&psbt.unsigned_tx)).len();
    let xpub_pair = pair(&[[0x01].as_slice(), key_data].concat(), &[0xde, 0xad, 0xbe, 0xef]);
    let at = tx_pair_len.checked_add(MAGIC.len()).expect("a short PSBT");
    bytes.splice(at..at, xpub_pair);
    bytes
}

/// The same key data with other version bytes.
fn with_version(key_data: &[u8], version: [u8; 4]) -> Vec<u8> {
    [version.as_slice(), &key_data[4..]].concat()
}

#[test]
fn global_xpubs_of_any_version_bytes_are_read_with_a_stand_in_for_bitcoin() {
    const XPUB: [u8; 4] = [0x04, 0x88, 0xb2, 0x1e];
    const TPUB: [u8; 4] = [0x04, 0x35, 0x87, 0xcf];
    let zpub = extended_key_bytes(BIP84_ZPUB);
    assert_eq!(zpub[..4], [0x04, 0xb2, 0x47, 0x46]);
    // (version bytes as written, name, the stand-in bitcoin holds)
    let cases: [([u8; 4], Option<&str>, [u8; 4]); 7] = [
        ([0x04, 0xb2, 0x47, 0x46], Some("zpub"), XPUB),
        ([0x02, 0xaa, 0x7e, 0xd3], Some("Zpub"), XPUB),
        ([0x02, 0x95, 0xb4, 0x3f], Some("Ypub"), XPUB),
        ([0x02, 0x57, 0x54, 0x83], Some("Vpub"), TPUB),
        ([0x02, 0x42, 0x89, 0xef], Some("Upub"), TPUB),
        ([0x04, 0x5f, 0x1c, 0xf6], Some("vpub"), TPUB),
        ([0x05, 0x88, 0xb2, 0x1e], None, TPUB),
    ];
    for (version, name, stand_in) in cases {
        assert_eq!(xpub::version_name(version), name);
        let written = with_version(&zpub, version);
        let held = Xpub::decode(&with_version(&zpub, stand_in)).expect("bitcoin holds it");
        let v0 = with_global_xpub(&fixture(), &written);
        let parsed = parse(&v0).unwrap_or_else(|e| panic!("{version:02x?}: {e}"));
        assert_eq!(parsed.psbt.xpub.keys().collect::<Vec<_>>(), [&held], "{name:?}");
        assert_eq!(parsed.xpub_versions, BTreeMap::from([(held, version)]), "{name:?}");
        // Everything else is as bitcoin reads the PSBT with the stand-in written.
        let stand_in_bytes = with_global_xpub(&fixture(), &with_version(&zpub, stand_in));
        assert_eq!(parsed.psbt, Psbt::deserialize(&stand_in_bytes).expect("bitcoin reads it"));
        // A version 2 PSBT of the same transaction gives the same view.
        let mut with_xpub = fixture();
        with_xpub.xpub = parsed.psbt.xpub.clone();
        let v2 = to_v2(&with_xpub);
        let stand_in_pair = [[0x01].as_slice(), &with_version(&zpub, stand_in)].concat();
        let written_pair = [[0x01].as_slice(), &written].concat();
        let at = v2.windows(79).position(|w| w == stand_in_pair.as_slice()).expect("the xpub");
        let mut v2 = v2;
        v2[at..at + 79].copy_from_slice(&written_pair);
        let parsed_v2 = parse(&v2).unwrap_or_else(|e| panic!("{version:02x?}: {e}"));
        assert_eq!(parsed_v2.psbt, parsed.psbt, "{name:?}");
        assert_eq!(parsed_v2.xpub_versions, parsed.xpub_versions, "{name:?}");
    }
    // xpub and tpub version bytes are held as they are, and not listed.
    for version in [XPUB, TPUB] {
        let parsed = parse(&with_global_xpub(&fixture(), &with_version(&zpub, version))).unwrap();
        assert_eq!(parsed.xpub_versions, BTreeMap::new());
        assert_eq!(
            parsed.psbt.xpub.keys().next().map(|x| x.encode()[..4].to_vec()),
            Some(version.to_vec())
        );
    }
}

#[test]
fn a_psbt_with_a_stand_in_survives_bitcoins_encoder() {
    // The fuzz oracle's property: parse, encode (as bitcoin holds it), parse again.
    let zpub = extended_key_bytes(BIP84_ZPUB);
    let parsed = parse(&with_global_xpub(&fixture(), &zpub)).expect("a valid PSBT");
    let again = parse(&parsed.psbt.serialize()).expect("what bitcoin writes parses");
    assert_eq!(again.psbt, parsed.psbt);
    assert_eq!(again.xpub_versions, BTreeMap::new(), "bitcoin writes the stand-in");
}

#[test]
fn global_xpubs_are_78_bytes_with_a_valid_compressed_key_whatever_their_version() {
    let zpub = extended_key_bytes(BIP84_ZPUB);
    assert_eq!(
        refused(&with_global_xpub(&fixture(), &zpub[..77])),
        (
            Location::Global,
            Some(0x01),
            "the key data is 77 bytes; an extended public key is 78 bytes".into()
        )
    );
    let mut bad_key = zpub.clone();
    bad_key[45] = 0x04;
    assert_eq!(
        refused(&with_global_xpub(&fixture(), &bad_key)),
        (
            Location::Global,
            Some(0x01),
            "the extended key's public key is not a valid public key".into()
        )
    );
    // An xprv's key data holds 0x00 and the secret where the public key goes.
    let mut xprv = zpub.clone();
    xprv[45] = 0x00;
    assert_eq!(refused(&with_global_xpub(&fixture(), &xprv)).0, Location::Global);
}

#[test]
fn one_key_under_two_version_bytes_bitcoin_would_hold_as_one_is_refused() {
    let zpub = extended_key_bytes(BIP84_ZPUB);
    let xpub = with_version(&zpub, [0x04, 0x88, 0xb2, 0x1e]);
    let mut bytes = with_global_xpub(&fixture(), &zpub);
    let tx_pair_len = pair(&[0x00], &serialize(&fixture().unsigned_tx)).len();
    let at = tx_pair_len.checked_add(MAGIC.len()).expect("a short PSBT");
    bytes.splice(at..at, pair(&[[0x01].as_slice(), &xpub].concat(), &[0xde, 0xad, 0xbe, 0xef]));
    assert_eq!(
        refused(&bytes),
        (
            Location::Global,
            Some(0x01),
            "two global xpubs are one extended key under the version bytes 0488b21e and \
             04b24746; bitcoin 0.32 holds each extended key once"
                .into()
        )
    );
    // The same key as xpub and tpub is two keys to bitcoin too.
    let tpub = with_version(&zpub, [0x04, 0x35, 0x87, 0xcf]);
    let mut bytes = with_global_xpub(&fixture(), &tpub);
    bytes.splice(at..at, pair(&[[0x01].as_slice(), &xpub].concat(), &[0xde, 0xad, 0xbe, 0xef]));
    assert_eq!(parse(&bytes).map(|p| p.psbt.xpub.len()), Ok(2));
}

#[test]
fn key_types_are_named_in_messages() {
    let names: BTreeMap<u64, &str> =
        (0..=0xffu64).filter_map(|t| keys::name(Location::Input(0), t).map(|n| (t, n))).collect();
    // BIP-174, 370, 371 and 373 name 29; BIP-375 adds two input fields.
    assert_eq!(names.len(), 31);
    assert_eq!(keys::name(Location::Output(0), 0x08), Some("PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS"));
    assert_eq!(keys::name(Location::Output(0), 0x09), Some("PSBT_OUT_SP_V0_INFO"));
    assert_eq!(keys::name(Location::Output(0), 0x35), Some("PSBT_OUT_DNSSEC_PROOF"));
    assert_eq!(keys::name(Location::Global, 0x07), Some("PSBT_GLOBAL_SP_ECDH_SHARE"));
    assert_eq!(keys::name(Location::Global, 0xfb), Some("PSBT_GLOBAL_VERSION"));
    assert_eq!(keys::name(Location::AfterLastMap, 0x00), None);
}

#[test]
fn what_only_bitcoin_refuses_is_reported_as_the_decoders() {
    // BIP-174 keys key origins by their encoding, so a key's compressed and uncompressed
    // forms are two keys; bitcoin 0.32 keys them by the point and sees one key twice.
    let key = public_key(1).inner;
    let compressed = [[0x06].as_slice(), &key.serialize()].concat();
    let uncompressed = [[0x06].as_slice(), &key.serialize_uncompressed()].concat();
    let origin = [0xde, 0xad, 0xbe, 0xef];
    let bytes = four_inputs_with(0, &[pair(&compressed, &origin), pair(&uncompressed, &origin)]);
    let (at, key_type, problem) = refused(&bytes);
    assert_eq!((at, key_type), (Location::Decoder, None));
    assert!(problem.starts_with("bitcoin 0.32 refused the PSBT: duplicate key"), "{problem}");
}

#[test]
fn a_previous_transaction_of_another_txid_is_refused_by_parse_and_left_to_the_verifier() {
    let mut psbt = fixture();
    let other = psbt.inputs[0].non_witness_utxo.clone().map(|mut tx| {
        tx.lock_time = miniscript::bitcoin::absolute::LockTime::from_consensus(7);
        tx
    });
    assert!(other.is_some(), "the fixture carries a previous transaction");
    psbt.inputs[0].non_witness_utxo = other;
    let bytes = psbt.serialize();
    assert_eq!(refused(&bytes).0, Location::Input(0));
    let lenient = crate::parse::psbt::parse_for_verification(&bytes).expect("left to the verifier");
    assert_eq!(lenient.psbt, psbt);
}

#[test]
fn more_key_value_pairs_than_the_budget_are_refused() {
    // One input map of unknown 4-byte keys: with the global map's four pairs, one pair more
    // than the budget allows in all maps.
    let g = vec![
        pair(&[0x02], &2i32.to_le_bytes()),
        pair(&[0x04], &[1]),
        pair(&[0x05], &[0]),
        pair(&[0xfb], &2u32.to_le_bytes()),
    ];
    let mut input: Vec<Vec<u8>> = vec![pair(&[0x0e], &[7; 32]), pair(&[0x0f], &0u32.to_le_bytes())];
    let budget = crate::parse::psbt::MAX_PAIRS;
    let mut n: u32 = 0;
    while g.len() + input.len() <= budget {
        let k = n.to_le_bytes();
        input.push(pair(&[0x99, k[0], k[1], k[2], k[3]], &[]));
        n += 1;
    }
    let (location, _, problem) = refused(&psbt_bytes(&g, &[input], &[]));
    assert_eq!(location, Location::Input(0));
    assert!(problem.contains("more than 1000000 key-value pairs"), "{problem}");
}

/// 33 bytes that look like a compressed key (0x02 first) but name no point of the curve.
fn not_on_the_curve() -> Vec<u8> {
    (1u8..)
        .map(|x| [[2u8].as_slice(), &[0; 31], &[x]].concat())
        .find(|bytes| PublicKey::from_slice(bytes).is_err())
        .expect("some x is not on the curve")
}

#[test]
fn keys_off_the_curve_are_refused_where_they_are_whichever_pass_finds_them() {
    let bad = not_on_the_curve();
    let x_only = &bad[1..];
    let origin = [[1u8; 4].as_slice(), &0u32.to_le_bytes()].concat();
    let tap_origin = [[0u8].as_slice(), &origin].concat();
    let sig = signature(1).serialize();
    let cases: Vec<(Vec<Vec<u8>>, u64, &str)> = vec![
        (
            vec![pair(&[[0x02].as_slice(), &bad].concat(), &sig)],
            0x02,
            "the key data is not a valid public key",
        ),
        (
            vec![pair(&[[0x06].as_slice(), &bad].concat(), &origin)],
            0x06,
            "the key data is not a valid public key",
        ),
        (
            vec![pair(&[[0x14].as_slice(), x_only, &[7; 32]].concat(), &[1; 64])],
            0x14,
            "the key data's public key is not a valid x-only public key",
        ),
        (
            vec![pair(&[[0x15, 0xc0].as_slice(), x_only].concat(), &[0x51, 0xc0])],
            0x15,
            "the control block's internal key is not a valid x-only public key",
        ),
        (
            vec![pair(&[[0x16].as_slice(), x_only].concat(), &tap_origin)],
            0x16,
            "the key data is not a valid x-only public key",
        ),
        (vec![pair(&[0x17], x_only)], 0x17, "the internal key is not a valid x-only public key"),
    ];
    for (pairs, key_type, problem) in cases {
        assert_eq!(
            refused(&four_inputs_with(2, &pairs)),
            (Location::Input(2), Some(key_type), problem.to_owned()),
            "{key_type:#04x}"
        );
        // Before a later map's structural error, the key is still the error reported.
        let mut bytes = four_inputs_with(2, &pairs);
        bytes.truncate(bytes.len() - 2);
        assert_eq!(refused(&bytes).0, Location::Input(2), "{key_type:#04x} before a cut map");
    }
    // Output maps.
    let outputs = |extra: Vec<Vec<u8>>| {
        let (global, input, mut output) = v2_maps();
        output.extend(extra);
        psbt_bytes(&global, &[input], &[output])
    };
    assert_eq!(
        refused(&outputs(vec![pair(&[[0x02].as_slice(), &bad].concat(), &origin)])),
        (Location::Output(0), Some(0x02), "the key data is not a valid public key".to_owned())
    );
    assert_eq!(
        refused(&outputs(vec![pair(&[0x05], x_only)])),
        (
            Location::Output(0),
            Some(0x05),
            "the internal key is not a valid x-only public key".to_owned()
        )
    );
}
