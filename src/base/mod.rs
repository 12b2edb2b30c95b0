//! The ground floor: values as people write them and limits that hold everywhere. Nothing
//! here knows a policy, an intent or a PSBT, and nothing here imports another part of the
//! crate.

pub(crate) mod amount;
pub(crate) mod code;
pub(crate) mod duration;
pub(crate) mod hex;
pub(crate) mod limits;
pub(crate) mod network;
pub(crate) mod redact;
pub(crate) mod slip132;
pub(crate) mod text;
pub(crate) mod time;
