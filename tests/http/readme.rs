//! The README's curl walk-through, run as written against a live server, so it cannot go stale.

use std::process::Command;

use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{ADMIN_PASSWORD, spawn_app};

fn walkthrough() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme
        .find("<!-- walkthrough:start -->")
        .expect("README marks its walk-through");
    let end = readme.find("<!-- walkthrough:end -->").unwrap();
    readme[start..end]
        .lines()
        .filter(|line| !line.starts_with("```") && !line.starts_with("<!--"))
        .collect::<Vec<_>>()
        .join("\n")
}

both_backends!(
    the_readme_walkthrough_runs_as_written,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let output = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &walkthrough()])
            .env("BASE", &app.base)
            .env("ZHIDU_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "walk-through failed: {}\n{stdout}",
            String::from_utf8_lossy(&output.stderr)
        );
        let last_json_start = stdout.rfind("\n{").map_or(0, |i| i + 1);
        let tier: serde_json::Value = serde_json::from_str(&stdout[last_json_start..]).unwrap();
        assert_eq!(tier["tier"], "A");
        assert_eq!(tier["quarter"], "2026Q3");
        assert_eq!(tier["reasons"][0]["rule"], "TIER-1");
    }
);
