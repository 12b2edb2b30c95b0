//! The `intentguard` command line: parses arguments, calls the library, renders.
fn main() {}
