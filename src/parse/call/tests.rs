use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
use miniscript::bitcoin::base64::Engine;

use super::*;

const INTENT: &str = include_str!("../../../vectors/dmm/honest/intent.json");
const PSBT: &[u8] = include_bytes!("../../../vectors/dmm/honest/request.psbt");
const PREV_TXS: &str = include_str!("../../../vectors/215-prev-tx-supplied/prev-tx.hex");
const PREV_TX_PSBT: &[u8] = include_bytes!("../../../vectors/215-prev-tx-supplied/request.psbt");

fn body(fields: &[(&str, serde_json::Value)]) -> Vec<u8> {
    let map: serde_json::Map<String, serde_json::Value> =
        fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    serde_json::to_vec(&map).unwrap()
}

fn honest(extra: &[(&str, serde_json::Value)]) -> Vec<u8> {
    let mut fields = vec![
        ("policy", serde_json::json!("treasury")),
        ("intent", serde_json::json!(INTENT)),
        ("psbt", serde_json::json!(STANDARD.encode(PSBT))),
    ];
    fields.extend_from_slice(extra);
    body(&fields)
}

fn shape_error(bytes: &[u8]) -> String {
    let error = VerifyCall::from_json_bytes(bytes).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Usage, "{error}");
    error.to_string()
}

#[test]
fn a_call_reads_as_the_files_it_carries() {
    let bytes = honest(&[]);
    let call = VerifyCall::from_json_bytes(&bytes).unwrap();
    assert_eq!(call.policy(), "treasury");
    assert_eq!(call.now(), None);
    let file = Intent::from_json_bytes(INTENT.as_bytes()).unwrap();
    assert_eq!(call.intent().unwrap(), file);
    assert_eq!(call.request().unwrap().txid(), Request::from_bytes(PSBT).unwrap().txid());
}

#[test]
fn an_intent_object_is_the_same_intent_as_its_text() {
    let object: serde_json::Value = serde_json::from_str(INTENT).unwrap();
    let bytes = body(&[
        ("policy", serde_json::json!("treasury")),
        ("intent", object),
        ("psbt", serde_json::json!(STANDARD.encode(PSBT))),
    ]);
    let call = VerifyCall::from_json_bytes(&bytes).unwrap();
    let intent = call.intent().unwrap();
    assert_eq!(
        intent.digest_hex(),
        Intent::from_json_bytes(INTENT.as_bytes()).unwrap().digest_hex()
    );
}

#[test]
fn a_duplicate_key_inside_an_intent_object_is_intent_malformed() {
    // The object is read from its own text, not from a JSON value that kept one of the two.
    let text = format!(
        r#"{{"policy": "treasury", "intent": {}, "psbt": "{}"}}"#,
        INTENT.replacen("{", r#"{"id": "other", "#, 1),
        STANDARD.encode(PSBT)
    );
    let call = VerifyCall::from_json_bytes(text.as_bytes()).unwrap();
    let error = call.intent().unwrap_err();
    assert_eq!(error.code(), ErrorCode::IntentMalformed);
    assert!(error.to_string().contains("duplicate field `id`"), "{error}");
}

#[test]
fn the_body_must_have_the_calls_shape() {
    assert!(shape_error(b"[]").starts_with("the body: "));
    assert!(shape_error(b"{\"policy\": \"treasury\"").starts_with("the body: "));
    assert!(shape_error(b"\xff").starts_with("the body is not UTF-8"));
    let unknown = shape_error(&honest(&[("psbt_hex", serde_json::json!("00"))]));
    assert!(unknown.contains("unknown field `psbt_hex`"), "{unknown}");
    let missing = shape_error(&body(&[("policy", serde_json::json!("treasury"))]));
    assert!(missing.contains("missing field `intent`"), "{missing}");
    let wrong_type = shape_error(&honest(&[("prev_txs", serde_json::json!("00"))]));
    assert!(wrong_type.contains("expected a sequence"), "{wrong_type}");
    let text = format!(
        r#"{{"policy": "a", "policy": "b", "intent": {{}}, "psbt": "{}"}}"#,
        STANDARD.encode(PSBT)
    );
    assert!(shape_error(text.as_bytes()).contains("duplicate field `policy`"));
    for intent in [serde_json::json!(7), serde_json::json!([]), serde_json::Value::Null] {
        let bytes = body(&[
            ("policy", serde_json::json!("treasury")),
            ("intent", intent),
            ("psbt", serde_json::json!("")),
        ]);
        assert!(shape_error(&bytes).starts_with("intent: must be the intent as a JSON object"));
    }
}

#[test]
fn now_is_a_time_or_absent() {
    let bytes = honest(&[("now", serde_json::json!("2024-05-31T02:00:00Z"))]);
    let call = VerifyCall::from_json_bytes(&bytes).unwrap();
    assert_eq!(call.now(), Some("2024-05-31T02:00:00Z".parse().unwrap()));
    let bytes = honest(&[("now", serde_json::Value::Null)]);
    assert_eq!(VerifyCall::from_json_bytes(&bytes).unwrap().now(), None);
    assert!(shape_error(&honest(&[("now", serde_json::json!("yesterday"))])).starts_with("now: "));
}

#[test]
fn the_psbt_is_the_strict_base64_of_its_bytes() {
    let with = |psbt: &str| {
        let mut fields =
            vec![("policy", serde_json::json!("treasury")), ("intent", serde_json::json!(INTENT))];
        fields.push(("psbt", serde_json::json!(psbt)));
        body(&fields)
    };
    let encoded = STANDARD.encode(PSBT);
    for bad in [format!(" {encoded}"), format!("{encoded}\n"), encoded.replace('+', "-")] {
        if bad == encoded {
            continue;
        }
        let bytes = with(&bad);
        let error = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap_err();
        assert!(matches!(error, CallError::Base64 { .. }), "{error}");
        assert_eq!(error.code(), ErrorCode::PsbtMalformed);
    }
    // Base64 of bytes that are not a PSBT.
    let bytes = with(&STANDARD.encode(b"psbt\xff\x00"));
    let error = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap_err();
    assert!(matches!(error, CallError::Request(_)), "{error}");
    assert_eq!(error.code(), ErrorCode::PsbtMalformed);
    // The file's bytes may be raw, or hex or base64 text, as a PSBT file's may.
    let (_, raw) = crate::parse::request::decode_encoding(PSBT).unwrap();
    let text = STANDARD.encode(&raw);
    assert_ne!(text.as_bytes(), PSBT);
    let bytes = with(&STANDARD.encode(text.as_bytes()));
    let request = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap();
    assert_eq!(request.txid(), Request::from_bytes(PSBT).unwrap().txid());
    let bytes = with(&STANDARD.encode(&raw));
    let request = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap();
    assert_eq!(request.txid(), Request::from_bytes(PSBT).unwrap().txid());
}

#[test]
fn a_psbt_over_the_request_limit_is_too_large() {
    let psbt = "A".repeat((MAX_REQUEST_BYTES / 3 + 2) * 4);
    let bytes = with_psbt(&psbt);
    let error = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap_err();
    assert_eq!(error, CallError::TooLarge { what: "the PSBT", limit: MAX_REQUEST_BYTES });
    assert_eq!(error.code(), ErrorCode::TooLarge);
}

fn with_psbt(psbt: &str) -> Vec<u8> {
    format!(r#"{{"policy": "treasury", "intent": {{}}, "psbt": "{psbt}"}}"#).into_bytes()
}

#[test]
fn a_body_over_its_limit_is_too_large_unread() {
    let bytes = vec![b' '; MAX_BODY_BYTES + 1];
    let error = VerifyCall::from_json_bytes(&bytes).unwrap_err();
    assert_eq!(error, CallError::TooLarge { what: "the body", limit: MAX_BODY_BYTES });
    assert_eq!(error.code(), ErrorCode::TooLarge);
}

#[test]
fn previous_transactions_are_supplied_as_prev_tx_files_are() {
    let hexes: Vec<&str> = PREV_TXS.lines().filter(|l| !l.is_empty()).collect();
    let call_with = |prev_txs: serde_json::Value| {
        body(&[
            ("policy", serde_json::json!("treasury")),
            ("intent", serde_json::json!(INTENT)),
            ("psbt", serde_json::json!(STANDARD.encode(PREV_TX_PSBT))),
            ("prev_txs", prev_txs),
        ])
    };
    let mut file = Request::from_bytes(PREV_TX_PSBT).unwrap();
    file.supply_prev_txs(&crate::parse::prev_tx::parse_prev_txs(PREV_TXS.as_bytes()).unwrap())
        .unwrap();
    let bytes = call_with(serde_json::json!(hexes));
    let supplied = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap();
    assert_eq!(supplied.psbt(), file.psbt());
    assert_ne!(supplied.psbt(), Request::from_bytes(PREV_TX_PSBT).unwrap().psbt());

    // An entry is read as a --prev-tx file's text: white space and several lines allowed.
    let all_in_one = format!("{}\n\n{}\n", hexes[0], hexes[1..].join("\r\n"));
    let bytes = call_with(serde_json::json!([all_in_one]));
    let request = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap();
    assert_eq!(request.psbt(), file.psbt());
    for (bad, problem) in [
        ("", "not a previous transaction: the file holds no transaction"),
        ("0g", "it holds a character that is neither a hex digit nor white space"),
        ("000", "line 1 is not a previous transaction: an odd number of hex digits"),
        ("00", "line 1 is not a previous transaction: the bytes end inside a transaction"),
        ("\n00", "line 2 is not a previous transaction: the bytes end inside a transaction"),
    ] {
        let bytes = call_with(serde_json::json!([hexes[0], bad]));
        let error = VerifyCall::from_json_bytes(&bytes).unwrap().request().unwrap_err();
        assert_eq!(error, CallError::PrevTx { index: 1, problem: problem.to_owned() });
        assert_eq!(error.code(), ErrorCode::PsbtMalformed);
        assert!(error.to_string().starts_with("prev_txs[1] is not previous transactions"));
    }
}
