//! Embeds every chapter module's source (`src/<chapter>/<module>.rs`) in the library, so
//! `concepts run --code` can print a demo's code without the source tree at hand. Writes
//! `$OUT_DIR/module_sources.rs`: a table of `("chapter/module", include_str!(...))`.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let manifest = env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?;
    let out_dir = env::var("OUT_DIR").map_err(io::Error::other)?;
    let src = Path::new(&manifest).join("src");
    println!("cargo:rerun-if-changed=src");
    let mut entries = Vec::new();
    for chapter in fs::read_dir(&src)? {
        let chapter = chapter?;
        if !chapter.file_type()?.is_dir() {
            continue;
        }
        for module in fs::read_dir(chapter.path())? {
            let path = module?.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let (Some(dir), Some(stem)) = (
                    chapter.file_name().to_str().map(str::to_owned),
                    path.file_stem().and_then(|s| s.to_str()).map(str::to_owned),
                ) else {
                    continue;
                };
                entries.push((format!("{dir}/{stem}"), path.display().to_string()));
            }
        }
    }
    entries.sort();
    let mut table = String::from("&[\n");
    for (key, path) in entries {
        writeln!(table, "    ({key:?}, include_str!({path:?})),").map_err(io::Error::other)?;
    }
    table.push(']');
    fs::write(Path::new(&out_dir).join("module_sources.rs"), table)
}
