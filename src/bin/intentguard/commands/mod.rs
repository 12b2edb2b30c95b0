//! One module per command: turn arguments into library inputs, call the library once, hand
//! the result to a renderer.

pub mod inspect;
pub mod intent;
pub mod keygen;
pub mod policy;
pub mod verify;
