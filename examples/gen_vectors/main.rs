//! Writes `vectors/` from the deterministic generator: `cargo run --example gen_vectors`.

mod generator;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    for case in generator::all_cases() {
        let dir = root.join(&case.dir);
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in &case.files {
            std::fs::write(dir.join(name), bytes)?;
        }
    }
    println!("wrote {}", root.display());
    Ok(())
}
