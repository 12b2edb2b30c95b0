#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| intentguard::fuzzing::import_listdescriptors(data));
