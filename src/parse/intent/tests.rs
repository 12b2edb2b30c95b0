//! The intent of SPEC 1.2 through its parser and [`Intent::new`]: the SPEC's test vector,
//! the field each malformed intent is refused for, and approvals set by name.

use super::*;

/// SPEC 1.2's test vector.
pub(crate) const SPEC_INTENT: &str =
    include_str!("../../../tests/data/intent-kat/spec-1.2.intent.json");

#[test]
fn spec_vector_message_digest_and_signature() {
    let intent = Intent::from_json(SPEC_INTENT).unwrap();
    let jcs = "{\"created_at\":\"2024-05-31T01:00:00Z\",\"expires_at\":\"2024-05-31T13:00:00Z\",\"id\":\"ops-2024-05-31-0001\",\"max_fee_sat\":40000,\"network\":\"bitcoin\",\"payments\":[{\"address\":\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\",\"amount_sat\":450290000000,\"memo\":\"OTC \\\"Q2\\\" Überweisung\\t€ 🔒 a\\\\b\"}],\"version\":1,\"wallet\":\"treasury\"}";
    let mut want = MESSAGE_PREFIX.to_vec();
    want.extend_from_slice(jcs.as_bytes());
    assert_eq!(intent.message(), want.as_slice());
    assert_eq!(
        intent.digest_hex(),
        "547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9"
    );

    let seed =
        parse_lower_hex::<32>("862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f")
            .unwrap();
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(
        crate::parse::policy::parse_ed25519_key(
            "76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70"
        )
        .unwrap(),
        key.verifying_key()
    );
    assert_eq!(intent.approvals()[0].proof, Proof::Hex(intent.sign_hex(&key)));
}

fn with(from: &str, to: &str) -> Result<Intent, IntentError> {
    assert!(SPEC_INTENT.contains(from), "{from}");
    Intent::from_json(&SPEC_INTENT.replacen(from, to, 1))
}

#[test]
fn malformed_intents_name_the_field() {
    let cases: &[(&str, &str, &str)] = &[
        ("\"version\": 1", "\"version\": 2", "version"),
        ("ops-2024-05-31-0001", "ops 1", "id"),
        ("\"network\": \"bitcoin\"", "\"network\": \"mainnet\"", "network"),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
            "payments[0].address",
        ),
        ("450290000000", "0", "payments[0].amount_sat"),
        ("450290000000", "2100000000000001", "payments[0].amount_sat"),
        ("2024-05-31T13:00:00Z", "2024-05-31T13:00:00+00:00", "expires_at"),
        ("2024-05-31T13:00:00Z", "2024-05-31T01:00:00Z", "expires_at"),
        ("2024-05-31T01:00:00Z", "2024-05-31T01:00:00.0Z", "created_at"),
    ];
    for (from, to, name) in cases {
        match with(from, to) {
            Err(IntentError::Field { field, .. }) => assert_eq!(field, *name),
            other => panic!("{from} -> {to}: {other:?}"),
        }
    }
}

fn draft(address: &str, sat: u64, memo: Option<&str>) -> PaymentDraft {
    PaymentDraft {
        address: address.to_owned(),
        amount: Amount::from_sat(sat),
        memo: memo.map(str::to_owned),
    }
}

#[test]
fn new_builds_exactly_what_parsing_the_spec_vector_gives() {
    let parsed = Intent::from_json(SPEC_INTENT).unwrap();
    let p = &parsed.payments()[0];
    let built = Intent::new(
        parsed.id(),
        parsed.wallet(),
        parsed.network(),
        vec![draft(&p.address().to_string(), p.amount().to_sat(), p.memo())],
        parsed.max_fee(),
        parsed.created_at(),
        parsed.expires_at(),
    )
    .unwrap();
    assert_eq!(built.message(), parsed.message());
    assert_eq!(built.digest_hex(), parsed.digest_hex());
    assert!(built.approvals().is_empty());
    // Without a fee cap or memo, the fields are absent rather than null.
    let bare = Intent::new(
        "x",
        "w",
        Network::Regtest,
        vec![draft("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", 1, None)],
        None,
        parsed.created_at(),
        parsed.expires_at(),
    )
    .unwrap();
    let text = core::str::from_utf8(bare.message()).unwrap();
    assert!(!text.contains("memo") && !text.contains("max_fee_sat"), "{text}");
    assert_eq!(Intent::from_json(&bare.to_json_pretty()).unwrap(), bare);
}

#[test]
fn new_refuses_what_parsing_refuses() {
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let (created, expires) = (t("2024-05-31T01:00:00Z"), t("2024-05-31T13:00:00Z"));
    let good = || vec![draft("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", 1, None)];
    let field_of = |r: Result<Intent, IntentError>| match r {
        Err(IntentError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let new = |id: &str, payments, created, expires| {
        Intent::new(id, "treasury", Network::Bitcoin, payments, None, created, expires)
    };
    assert_eq!(field_of(new("a b", good(), created, expires)), "id");
    assert_eq!(field_of(new("x", vec![], created, expires)), "payments");
    assert_eq!(
        field_of(new(
            "x",
            vec![draft("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", 1, None)],
            created,
            expires
        )),
        "payments[0].address"
    );
    assert_eq!(
        field_of(new(
            "x",
            vec![draft("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", 0, None)],
            created,
            expires
        )),
        "payments[0].amount_sat"
    );
    assert_eq!(field_of(new("x", good(), expires, created)), "expires_at");
    assert_eq!(field_of(new("x", good(), created, created)), "expires_at");
    // A time past year 9999 has no RFC 3339 form.
    assert_eq!(field_of(new("x", good(), created, Timestamp::from_unix(i64::MAX))), "expires_at");
}

/// The hex text of a hex approval.
fn hex_of(approval: &Approval) -> &str {
    match &approval.proof {
        Proof::Hex(hex) => hex,
        Proof::Sshsig(_) => panic!("an sshsig approval"),
    }
}

#[test]
fn set_approval_replaces_in_place_and_never_duplicates() {
    let mut intent = Intent::from_json(SPEC_INTENT).unwrap();
    intent.set_approval("bob", "b1".to_owned());
    intent.set_approval("alice", "a2".to_owned());
    intent.set_approval("bob", "b2".to_owned());
    let got: Vec<(&str, &str)> =
        intent.approvals.iter().map(|a| (a.approver(), hex_of(a))).collect();
    assert_eq!(got, [("alice", "a2"), ("bob", "b2")]);
    // Two approvals by one name in a file collapse into one.
    intent
        .approvals
        .push(Approval { approver: "alice".to_owned(), proof: Proof::Hex("a3".to_owned()) });
    intent.set_approval("alice", "a4".to_owned());
    let got: Vec<(&str, &str)> =
        intent.approvals.iter().map(|a| (a.approver(), hex_of(a))).collect();
    assert_eq!(got, [("alice", "a4"), ("bob", "b2")]);
}

#[test]
fn shape_errors_are_json_errors() {
    for (from, to) in [
        ("\"max_fee_sat\": 40000", "\"max_fee_sat\": null"),
        ("\"max_fee_sat\": 40000", "\"max_fee_sat\": 40000.0"),
        ("\"max_fee_sat\": 40000", "\"max_fee_sat\": 40000, \"extra\": 1"),
        ("\"max_fee_sat\": 40000", "\"max_fee_sat\": 40000, \"max_fee_sat\": 1"),
        ("\"amount_sat\": 450290000000", "\"amount_sat\": -1"),
        ("\"memo\": ", "\"note\": "),
    ] {
        assert!(matches!(with(from, to), Err(IntentError::Json { .. })), "{to}");
    }
}

#[test]
fn an_approval_holds_exactly_one_of_signature_and_sshsig() {
    let hex = format!("\"signature\": \"{}\"", "ab".repeat(64));
    let sshsig = "\"sshsig\": \"-----BEGIN SSH SIGNATURE-----\\n-----END SSH SIGNATURE-----\\n\"";
    let parsed = |approval: &str| {
        let mut value: serde_json::Value = serde_json::from_str(SPEC_INTENT).unwrap();
        value["approvals"] =
            serde_json::from_str(&format!("[{{ \"approver\": \"bob\"{approval} }}]")).unwrap();
        Intent::from_json(&value.to_string())
    };
    let one = parsed(&format!(", {sshsig}")).unwrap();
    assert_eq!(one.approvals()[0].signature(), None);
    assert!(one.approvals()[0].sshsig().unwrap().starts_with("-----BEGIN SSH SIGNATURE-----"));
    assert_eq!(Intent::from_json(&one.to_json_pretty()).unwrap(), one);
    for approval in [String::new(), format!(", {hex}, {sshsig}")] {
        match parsed(&approval) {
            Err(IntentError::Field { field, .. }) => assert_eq!(field, "approvals[0]"),
            other => panic!("{approval}: {other:?}"),
        }
    }
    // `null` is not an absent field.
    assert!(parsed(&format!(", {hex}, \"sshsig\": null")).is_err());
}
