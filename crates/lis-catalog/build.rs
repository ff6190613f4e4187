//! Embeds the shipped catalogue (`msb-catalog/`) in the binary, so that LIS starts with it wherever it runs.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let dir = Path::new(&manifest).join("../../msb-catalog");
    println!("cargo:rerun-if-changed={}", dir.display());
    let controls = dir.join("controls");
    let mut names: Vec<String> = std::fs::read_dir(&controls)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = format!(
        "pub const CATALOG_TOML: &str = include_str!({:?});\n",
        dir.join("catalog.toml").display().to_string()
    );
    code.push_str(&format!(
        "pub const QUESTIONNAIRE_TOML: &str = include_str!({:?});\n",
        dir.join("classification.toml").display().to_string()
    ));
    code.push_str("pub const CONTROL_FILES: &[(&str, &str)] = &[\n");
    for name in names {
        let path = controls.join(&name).display().to_string();
        let _ = writeln!(code, "    ({:?}, include_str!({path:?})),", format!("controls/{name}"));
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".to_owned());
    if let Err(err) = std::fs::write(Path::new(&out).join("embedded.rs"), code) {
        panic!("cannot write the embedded catalogue: {err}");
    }
}
