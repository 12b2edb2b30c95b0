//! Stage 2, the model: what a signing request claims, read against the policy's wallet.
//!
//! The parsed PSBT says where its inputs and outputs sit in the wallet and what they spend;
//! the model turns each claim into what it comes to (derived, hashed), and the checks and
//! views read requests only through it.

pub(crate) mod claims;
