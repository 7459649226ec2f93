//! Bad configuration stops the binary with a clear message before it touches anything.

use std::process::Command;

fn start_with(env: &[(&str, &str)]) -> (std::process::Output, std::path::PathBuf) {
    let folder = std::env::temp_dir().join(format!("zhidu-start-{}", uuid_like()));
    std::fs::create_dir_all(&folder).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhidu"));
    command
        .arg("serve")
        .current_dir(&folder)
        .env_remove("DATABASE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    (command.output().unwrap(), folder)
}

/// A folder name no other start in this run uses.
fn uuid_like() -> String {
    static STARTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let start = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{start}", std::process::id())
}

#[test]
fn an_unknown_database_scheme_is_refused_and_creates_nothing() {
    let (output, folder) = start_with(&[("DATABASE_URL", "sqlte://data/zhidu.db")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("sqlte"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "nothing was created"
    );
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn bad_values_name_their_variable() {
    for (name, value) in [
        ("ZHIDU_BIND", "not-an-address"),
        ("ZHIDU_METRICS_BIND", "metrics.example.com"),
        ("ZHIDU_JWT_SECRET", "short"),
        ("ZHIDU_DB_POOL_SIZE", "0"),
        ("ZHIDU_ADMIN_PASSWORD", "short"),
        ("ZHIDU_LOG_FORMAT", "xml"),
        ("ZHIDU_TEST_CLOCK", "yes"),
        ("ZHIDU_CORS_ORIGINS", "desk.example.com"),
        ("ZHIDU_CORS_ORIGINS", "https://a.example.com,*"),
        ("ZHIDU_CORS_ORIGINS", "https://a.example.com/app"),
        ("ZHIDU_TEST_CLOCK_START", "tomorrow"),
        ("ZHIDU_TEST_CLOCK_START", "2026-11-02T09:00:00+08:00"),
    ] {
        let (output, folder) = start_with(&[(name, value)]);
        assert!(!output.status.success(), "{name}={value} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert_eq!(
            std::fs::read_dir(&folder).unwrap().count(),
            0,
            "{name}: nothing was created"
        );
        let _ = std::fs::remove_dir_all(folder);
    }
}

#[test]
fn a_bind_address_in_use_stops_the_start_before_any_database_is_created() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let (output, folder) = start_with(&[("ZHIDU_BIND", address.as_str())]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ZHIDU_BIND") && stderr.contains(&address),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "no SQLite file was created"
    );
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn a_database_that_cannot_be_opened_is_named_with_its_variable() {
    for (url, shown) in [
        (
            "sqlite:///proc/zhidu-nowhere/zhidu.db",
            "DATABASE_URL=sqlite:///proc/zhidu-nowhere/zhidu.db",
        ),
        (
            "postgres://nobody:secret@127.0.0.1:1/zhidu",
            "DATABASE_URL=postgres://nobody:***@127.0.0.1:1/zhidu",
        ),
    ] {
        let (output, folder) = start_with(&[
            ("DATABASE_URL", url),
            ("ZHIDU_DB_ACQUIRE_TIMEOUT_MS", "500"),
        ]);
        assert!(!output.status.success(), "{url} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(shown), "{url}: {stderr}");
        assert!(!stderr.contains("secret"), "the password is never printed");
        let _ = std::fs::remove_dir_all(folder);
    }
}
