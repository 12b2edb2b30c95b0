//! Views: what a request or a wallet contains, listed for a person or a program. Views
//! check no rule of SPEC 2; where they say whether something is the wallet's, they read it
//! through the model, exactly as the checks do.

pub(crate) mod describe;
pub(crate) mod inspect;
