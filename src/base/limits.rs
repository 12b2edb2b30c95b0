//! Size limits on the files intentguard reads, checked before anything is parsed.

/// Largest policy or intent file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Largest signing request accepted, in bytes (SPEC 1.3); larger ones are refused unread.
pub const MAX_REQUEST_BYTES: usize = 100 * 1024 * 1024;
/// Largest body of a call to the service (SPEC 3, `intentguard serve`): room for a PSBT of
/// [`MAX_REQUEST_BYTES`] in base64 beside its intent and previous transactions.
pub const MAX_BODY_BYTES: usize = 150 * 1024 * 1024;
