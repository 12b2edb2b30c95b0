//! Writes `vectors/` from the deterministic generator: `cargo run --example gen_vectors`.

#[allow(dead_code, reason = "the generator also serves the tests and the benchmark")]
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
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    std::fs::create_dir_all(&policies)?;
    for (name, text) in generator::policies() {
        std::fs::write(policies.join(name), text)?;
    }
    println!("wrote {} and {}", root.display(), policies.display());
    Ok(())
}
