//! Time is an input: "now" comes from the application's clock (`zhidu_store::clock`) and
//! nowhere else. This test reads every source file of the workspace — business code, tests
//! and migrations — and fails on a wall-clock read outside the clock module, so a new one
//! cannot slip in. Monotonic timers (`std::time::Instant`) measure waits, not dates, and stay
//! allowed.

use std::path::{Path, PathBuf};

/// Reads of the wall clock in Rust.
const RUST_READS: &[&str] = &[
    "OffsetDateTime::now_utc",
    "OffsetDateTime::now_local",
    "PrimitiveDateTime::now",
    "SystemTime::now",
    "Utc::now",
    "Local::now",
    "dsl::now",
];

/// Reads of the wall clock in SQL, in migrations or in SQL text inside Rust (upper case there,
/// so that a Rust name such as `current_date` is not taken for one).
const SQL_READS: &[&str] = &[
    "CURRENT_TIMESTAMP",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "LOCALTIMESTAMP",
    "LOCALTIME",
    "'NOW'",
    "STATEMENT_TIMESTAMP",
    "CLOCK_TIMESTAMP",
    "TRANSACTION_TIMESTAMP",
];

/// SQL's `now()`: a call of a function named `now` without arguments, not a method
/// `.now()`, a path `clock::now()` nor the definition `fn now()`.
fn calls_sql_now(code: &str) -> bool {
    let lower = code.to_lowercase();
    lower.match_indices("now()").any(|(at, _)| {
        let before = &lower[..at];
        let joined = before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | ':'));
        !joined && !before.trim_end().ends_with("fn")
    })
}

fn reads_wall_clock(line: &str, is_sql: bool) -> bool {
    if is_sql {
        let code = line.split("--").next().unwrap_or_default().to_uppercase();
        return calls_sql_now(&code) || SQL_READS.iter().any(|read| code.contains(read));
    }
    let code = line.split("//").next().unwrap_or_default();
    RUST_READS.iter().any(|read| code.contains(read))
        || SQL_READS.iter().any(|read| code.contains(read))
        || calls_sql_now(code)
}

/// The one module allowed to read the wall clock.
const CLOCK_MODULE: &str = "crates/store/src/clock.rs";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|e| panic!("the workspace root: {e}"))
}

fn source_files(folder: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "rs" || extension == "sql")
        {
            found.push(path);
        }
    }
}

/// `file:line: text` of every wall-clock read outside the clock module.
fn wall_clock_reads(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for folder in ["crates", "tests", "migrations"] {
        source_files(&root.join(folder), &mut files);
    }
    let this_file = Path::new(file!());
    let mut reads = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        if relative == Path::new(CLOCK_MODULE) || relative.ends_with(this_file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let is_sql = relative.extension().is_some_and(|e| e == "sql");
        for (number, line) in text.lines().enumerate() {
            if reads_wall_clock(line, is_sql) {
                reads.push(format!(
                    "{}:{}: {}",
                    relative.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    reads
}

#[test]
fn no_wall_clock_read_outside_the_clock_module() {
    let root = workspace_root();
    assert!(
        root.join(CLOCK_MODULE).is_file(),
        "the clock module moved: {CLOCK_MODULE}"
    );
    let reads = wall_clock_reads(&root);
    assert!(
        reads.is_empty(),
        "read the app's clock (zhidu_store::clock::Clock, an Actor's `at`, AppState::now) instead of the wall clock:\n{}",
        reads.join("\n")
    );
}

#[test]
fn the_check_finds_a_wall_clock_read() {
    let folder = std::env::temp_dir().join(format!("zhidu-wall-clock-{}", std::process::id()));
    let code = folder.join("crates/example/src");
    std::fs::create_dir_all(&code).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        code.join("lib.rs"),
        "// OffsetDateTime::now_utc() in a comment is fine\nfn f() { let _ = time::OffsetDateTime::now_utc(); }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sql = folder.join("migrations/postgres/1_x");
    std::fs::create_dir_all(&sql).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        sql.join("up.sql"),
        "-- now() here is a comment\nALTER TABLE t ADD c TIMESTAMP DEFAULT now();\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let reads = wall_clock_reads(&folder);
    let _ = std::fs::remove_dir_all(&folder);
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert!(
        reads[0].contains("lib.rs:2") || reads[1].contains("lib.rs:2"),
        "{reads:?}"
    );
    assert!(reads.iter().any(|r| r.contains("up.sql:2")), "{reads:?}");
}

#[test]
fn the_app_clock_is_not_taken_for_a_wall_clock_read() {
    for allowed in [
        "let now = state.now();",
        "let at = clock::now();",
        "fn now(&self) -> Moment {",
        "let current_date = at.today();",
        "let started = std::time::Instant::now();",
    ] {
        assert!(!reads_wall_clock(allowed, false), "{allowed}");
    }
    for read in [
        "sql_query(\"UPDATE t SET at = now()\")",
        "\"SELECT CURRENT_TIMESTAMP\"",
        "std::time::SystemTime::now()",
        "OffsetDateTime::now_utc().date()",
    ] {
        assert!(reads_wall_clock(read, false), "{read}");
    }
    assert!(reads_wall_clock(
        "  created_at TEXT DEFAULT (datetime('now')),",
        true
    ));
    assert!(!reads_wall_clock("  -- never default to now()", true));
}
