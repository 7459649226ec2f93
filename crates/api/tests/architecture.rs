//! Rules about the code itself, checked by reading the workspace's sources:
//! - every type in the OpenAPI document has a name of its own (utoipa registers a schema under
//!   its type's name, or its `#[schema(as = …)]`, and a second type of the same name silently
//!   replaces the first, so a client generated from the spec gets the wrong shape for one);
//! - a route module imports no other route module: what two resources share lives in
//!   `zhidu-service` or in the API's shared modules (issue 16);
//! - a route module reaches the database only through `zhidu-service`: it names neither
//!   `zhidu_store` nor `diesel` (issue 16);
//! - a rule ID cited in the API or the service has a function in the domain that cites it
//!   (or, for the two rules that are not business decisions, in its own home: who may see a
//!   partner's records in `zhidu_service::access`, the audit trail in `zhidu_store::audit`).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
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

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sources_under(folder: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&workspace().join(folder), &mut files);
    files.sort();
    files
}

#[test]
fn no_two_schema_types_share_a_name() {
    let workspace = workspace();
    let files = sources_under("crates");
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

/// The code of `source` outside its unit tests (whose `super::` is the file itself).
fn without_tests(source: &str) -> &str {
    source.split("#[cfg(test)]").next().unwrap_or(source)
}

/// The lines of a route module that reach into another route module. A top-level route file's
/// `super` is `routes` itself; a resource's own submodule (`routes/payroll/export.rs`) may use
/// its parent, which is the same resource.
fn imports_of_other_routes(path: &Path, source: &str) -> Vec<String> {
    let nested = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|folder| folder != "routes")
        && path.file_name().is_some_and(|name| name != "mod.rs");
    without_tests(source)
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.contains("crate::routes")
                || line.contains("super::super")
                || (!nested && line.contains("super::"))
        })
        .map(|(index, line)| format!("{}:{}: {}", path.display(), index + 1, line.trim()))
        .collect()
}

#[test]
fn no_route_module_imports_another() {
    let offending: Vec<String> = sources_under("crates/api/src/routes")
        .iter()
        .filter(|path| !path.ends_with("routes/mod.rs"))
        .flat_map(|path| imports_of_other_routes(path, &std::fs::read_to_string(path).unwrap()))
        .collect();
    assert!(
        offending.is_empty(),
        "route modules importing other route modules (move what they share to zhidu-service or an api shared module):\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_route_scan_finds_imports_of_other_routes() {
    let top = Path::new("crates/api/src/routes/leave.rs");
    let nested = Path::new("crates/api/src/routes/payroll/export.rs");
    let source = "use crate::routes::people::x;\nuse super::PayslipView;\nuse crate::page::Page;\n\
                  #[cfg(test)]\nmod tests {\n    use super::*;\n}\n";
    assert_eq!(imports_of_other_routes(top, source).len(), 2);
    assert_eq!(imports_of_other_routes(nested, source).len(), 1);
    assert!(imports_of_other_routes(nested, "use super::super::leave::x;").len() == 1);
}

/// The lines of a route module that reach past the service into the store or the database.
fn reaches_below_the_service(path: &Path, source: &str) -> Vec<String> {
    without_tests(source)
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| line.contains("zhidu_store") || line.contains("diesel"))
        .map(|(index, line)| format!("{}:{}: {}", path.display(), index + 1, line.trim()))
        .collect()
}

#[test]
fn route_modules_reach_the_database_only_through_the_service() {
    let offending: Vec<String> = sources_under("crates/api/src/routes")
        .iter()
        .flat_map(|path| reaches_below_the_service(path, &std::fs::read_to_string(path).unwrap()))
        .collect();
    assert!(
        offending.is_empty(),
        "route modules using zhidu_store or diesel (call a zhidu_service function instead):\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_store_scan_finds_store_and_diesel_uses() {
    let path = Path::new("crates/api/src/routes/care.rs");
    let source = "use zhidu_store::care::CareVisit;\n// zhidu_store is not named here\n\
                  let x = zhidu_service::care::find(c)?;\n    diesel::sql_query(\"\");\n\
                  #[cfg(test)]\nmod tests {\n    use zhidu_store::testing;\n}\n";
    let found = reaches_below_the_service(path, source);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].ends_with(":1: use zhidu_store::care::CareVisit;"));
    assert!(found[1].ends_with(":4: diesel::sql_query(\"\");"));
}

/// The rule IDs of `docs/rules.md` (its `### ID` headings).
fn known_rule_ids() -> BTreeSet<String> {
    std::fs::read_to_string(workspace().join("docs/rules.md"))
        .unwrap()
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .map(|id| id.trim().to_owned())
        .collect()
}

/// What looks like a rule ID (`SLA-3`, `AR-5`, …) in `source`, outside its unit tests;
/// [`known_rule_ids`] tells the rule IDs from other names of that shape.
fn rule_ids(source: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let text = without_tests(source);
    let bytes = text.as_bytes();
    for (start, _) in text.match_indices('-') {
        let family: String = text[..start]
            .chars()
            .rev()
            .take_while(char::is_ascii_uppercase)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let number: String = text[start + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let before = start.checked_sub(family.len() + 1).map(|i| bytes[i]);
        let after = bytes.get(start + 1 + number.len());
        let bounded = before.is_none_or(|b| !b.is_ascii_alphanumeric())
            && after.is_none_or(|a| !a.is_ascii_alphanumeric());
        if family.len() >= 2 && !number.is_empty() && bounded {
            ids.insert(format!("{family}-{number}"));
        }
    }
    ids
}

/// The rule IDs the doc comment of some function in `source` cites.
fn ids_deciding_in(source: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut comment = String::new();
    for line in source.lines().map(str::trim) {
        if line.starts_with("///") {
            comment.push_str(line);
            comment.push('\n');
        } else if line.starts_with("#[") {
            continue;
        } else {
            if line.starts_with("pub fn ") || line.starts_with("pub const fn ") {
                ids.extend(rule_ids(&comment));
            }
            comment.clear();
        }
    }
    ids
}

#[test]
fn every_rule_the_api_or_service_cites_is_decided_in_the_domain() {
    let read = |folder: &str| -> Vec<(PathBuf, String)> {
        sources_under(folder)
            .into_iter()
            .map(|path| {
                let source = std::fs::read_to_string(&path).unwrap();
                (path, source)
            })
            .collect()
    };
    let known = known_rule_ids();
    assert!(known.len() > 50, "docs/rules.md lists the rule IDs");
    let decided: BTreeSet<String> = read("crates/domain/src")
        .into_iter()
        .chain(read("crates/service/src/access"))
        .chain(
            read("crates/store/src")
                .into_iter()
                .filter(|(path, _)| path.ends_with("audit.rs")),
        )
        .collect::<Vec<_>>()
        .iter()
        .flat_map(|(_, source)| ids_deciding_in(source))
        .collect();
    let mut undecided: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, source) in read("crates/api/src")
        .into_iter()
        .chain(read("crates/service/src"))
    {
        for id in rule_ids(&source)
            .intersection(&known)
            .filter(|id| !decided.contains(*id))
        {
            undecided
                .entry(id.clone())
                .or_default()
                .insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let listed: Vec<String> = undecided
        .iter()
        .map(|(id, files)| {
            format!(
                "{id} (cited in {})",
                files.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        listed.is_empty(),
        "rule IDs cited outside the domain with no domain function whose doc comment cites them:\n{}",
        listed.join("\n")
    );
}

#[test]
fn the_rule_scan_reads_ids_and_the_functions_citing_them() {
    assert_eq!(
        rule_ids("SLA-3 and AR-5, not X-1 or SHA-256x or ISO-8601"),
        ["AR-5", "ISO-8601", "SLA-3"].map(String::from).into()
    );
    let domain =
        "/// Decides SLA-3.\n#[must_use]\npub fn extension() {}\n/// CMP-4\nfn private() {}\n";
    assert_eq!(ids_deciding_in(domain), ["SLA-3"].map(String::from).into());
}
