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

fn uuid_like() -> String {
    format!("{}-{:?}", std::process::id(), std::time::SystemTime::now())
        .replace(|c: char| !c.is_ascii_alphanumeric(), "")
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
        ("ZHIDU_JWT_SECRET", "short"),
        ("ZHIDU_DB_POOL_SIZE", "0"),
        ("ZHIDU_ADMIN_PASSWORD", "short"),
        ("ZHIDU_LOG_FORMAT", "xml"),
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
