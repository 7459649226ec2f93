//! The README's curl walk-through, run as written against a live server, so it cannot go stale.

use std::process::Command;

use zhidu_store::both_backends;
use zhidu_store::testing::TestDatabase;

use crate::support::{ADMIN_PASSWORD, TestApp, spawn_app};

/// The shell between `<!-- {name}:start -->` and `<!-- {name}:end -->` in the README.
fn walkthrough(name: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme
        .find(&format!("<!-- {name}:start -->"))
        .unwrap_or_else(|| panic!("README marks its {name}"));
    let end = readme.find(&format!("<!-- {name}:end -->")).unwrap();
    readme[start..end]
        .lines()
        .filter(|line| !line.starts_with("```") && !line.starts_with("<!--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a README walk-through against `app`; returns its standard output.
fn run_walkthrough(app: &TestApp, name: &str) -> String {
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &walkthrough(name)])
        .env("BASE", &app.base)
        .env("ZHIDU_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

both_backends!(
    the_readme_walkthrough_runs_as_written,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let stdout = run_walkthrough(&app, "walkthrough");
        let last_json_start = stdout.rfind("\n{").map_or(0, |i| i + 1);
        let tier: serde_json::Value = serde_json::from_str(&stdout[last_json_start..]).unwrap();
        assert_eq!(tier["tier"], "A");
        assert_eq!(tier["quarter"], "2026Q3");
        assert_eq!(tier["reasons"][0]["rule"], "TIER-1");
    }
);

both_backends!(
    the_readme_test_clock_walkthrough_breaches_a_work_order,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let started = app.now();
        let stdout = run_walkthrough(&app, "test-clock-walkthrough");
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        // SLA-3: a general fault is due 24 clock hours after its clock starts; the walk-through
        // moved the clock one second past that.
        let moved_to = app.now();
        assert_eq!(
            moved_to - started,
            time::Duration::hours(24) + time::Duration::seconds(1)
        );
        assert_eq!(lines[0]["real"], false);
        assert_eq!(lines[1], 1);
        assert_eq!(
            lines[2],
            serde_json::json!({"status": "open", "breached": true, "cases": ["candidate"]})
        );
    }
);

both_backends!(
    the_readme_inspection_walkthrough_escalates_a_finding_and_fills_a_heads_inbox,
    |db: &TestDatabase| {
        let app = spawn_app(db);
        let stdout = run_walkthrough(&app, "inspection-walkthrough");
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        // INSP-2, INSP-3: one second past the same-day deadline, reminded once.
        assert_eq!(
            lines[0],
            serde_json::json!({"status": "open", "overdue": true, "reminders": 1})
        );
        let escalated = &lines[1];
        assert_eq!(escalated["linked"], true);
        assert_eq!(escalated["source"], "inspection");
        assert_eq!(escalated["status"], "candidate");
        assert!(escalated["finding"].is_string());
        // INBOX-1: the agent's leave waits on the department head's step.
        let inbox = lines[2].as_array().unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0]["kind"], "leave_request");
        assert_eq!(inbox[0]["step"], "department_head");
        assert!(inbox[0]["path"].as_str().unwrap().ends_with("/decisions"));
        assert_eq!(lines[3], 1);
    }
);
