#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| intentguard::fuzzing::parse_call(data));
