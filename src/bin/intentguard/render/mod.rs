//! The text views of the command line, for a person at a signing ceremony (SPEC 3): the
//! verify report ([`render`]), `inspect`, `intent show` and `policy check`, all written with
//! one layout toolkit (`layout`).

mod layout;
mod verify;

pub mod inspect;
pub mod intent;
pub mod policy;

pub use self::verify::render;
