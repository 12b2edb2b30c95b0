//! What the readers' tests share.

use super::Reader;

/// The message `read` refuses `text` with; a panic when it reads it.
pub(super) fn refusal(read: Reader, text: &str) -> String {
    match read(text) {
        Err(message) => message,
        Ok(found) => panic!("read, not refused: {:?}", found.map(|f| f.descriptors)),
    }
}

/// Asserts that `read` refuses each text with exactly its message, listing every one that
/// is refused otherwise.
pub(super) fn assert_refusals(read: Reader, cases: &[(String, &str)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(text, expected)| refusal(read, text) != *expected)
        .map(|(text, expected)| {
            format!("{text}\n  got: {}\n want: {expected}", refusal(read, text))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
