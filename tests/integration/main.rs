//! The integration tests, one binary: the library through its front door and the
//! `intentguard` binary as signers run it, each file a module. `common` is what the modules
//! that run the binary share. Run one module with a filter on its path, e.g.
//! `cargo test --test integration ledger::`.

mod architecture;
mod ceremony;
mod cli;
mod common;
mod conformance;
mod fuzz_replay;
mod import;
mod inspect;
mod interop;
// Every store's tests: needs the three features (`cli`, which the binary requires, brings them).
#[cfg(all(feature = "cli", feature = "sqlite", feature = "postgres"))]
mod ledger;
mod parallel;
mod prev_tx;
mod realworld;
mod serve;
mod ssh_approvals;
mod sshsig;
mod vectors;
