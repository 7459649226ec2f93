//! Every type in the OpenAPI document has a name of its own. utoipa registers a schema under
//! its type's name (or its `#[schema(as = …)]`) and a second type of the same name silently
//! replaces the first, so a client generated from the spec gets the wrong shape for one of
//! them. This test reads the workspace's sources and fails on two `ToSchema` types that share
//! a name.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The schema names the derives of `source` register, with their line numbers.
fn derived_schema_names(source: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut names = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !(line.trim_start().starts_with("#[derive(") && line.contains("ToSchema")) {
            continue;
        }
        let mut renamed = None;
        for following in &lines[index + 1..] {
            let following = following.trim();
            if let Some(rest) = following.strip_prefix("#[schema(as = ") {
                renamed = rest.split([')', ',']).next().map(str::to_owned);
            }
            let item = following
                .strip_prefix("pub struct ")
                .or_else(|| following.strip_prefix("pub enum "))
                .or_else(|| following.strip_prefix("struct "))
                .or_else(|| following.strip_prefix("enum "));
            if let Some(item) = item {
                let type_name: String = item
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let name = renamed.unwrap_or(type_name);
                let last = name.rsplit("::").next().unwrap_or(&name).to_owned();
                names.push((last, index + 1));
                break;
            }
        }
    }
    names
}

#[test]
fn no_two_schema_types_share_a_name() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_files(&workspace.join("crates"), &mut files);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let shown = file
            .strip_prefix(&workspace)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (name, line) in derived_schema_names(&source) {
            seen.entry(name)
                .or_default()
                .push(format!("{shown}:{line}"));
        }
    }
    let shared: Vec<String> = seen
        .iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(
        shared.is_empty(),
        "schema names used by more than one type (rename one, or give it #[schema(as = …)]):\n{}",
        shared.join("\n")
    );
}

#[test]
fn the_scan_finds_derives_and_their_renames() {
    let source = "#[derive(Debug, ToSchema)]\n#[serde(deny_unknown_fields)]\npub struct A {}\n\
                  #[derive(ToSchema)]\n#[schema(as = B)]\nstruct C;\n#[derive(Debug)]\npub enum D {}\n";
    let names: Vec<String> = derived_schema_names(source)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["A", "B"]);
}
