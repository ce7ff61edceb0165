//! The `portico` binary with bad input: one clear line, a non-zero exit, no panic.
//! Also start-up and graceful shutdown on SIGTERM.

use crate::running::Running;
use crate::support::{free_port, portico};
use std::io::Write;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write fixture");
    path.display().to_string()
}

/// Asserts a failure with exactly one `error:` line containing `needle`, and no panic.
fn assert_clean_failure(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "one error line expected: {stderr}");
    assert!(errors[0].contains(needle), "`{needle}` not in: {}", errors[0]);
}

#[test]
fn help_lists_subcommands() {
    let dir = tempfile::tempdir().expect("dir");
    let out = portico(&["--help"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for cmd in ["serve", "config"] {
        assert!(text.contains(cmd), "{cmd} missing from --help: {text}");
    }
}

#[test]
fn missing_config_file() {
    let dir = tempfile::tempdir().expect("dir");
    let out = portico(&["serve", "--config", "nope.yaml"], dir.path());
    assert_clean_failure(&out, "cannot read config file nope.yaml");
}

#[test]
fn malformed_config_file() {
    let dir = tempfile::tempdir().expect("dir");
    let file = write(dir.path(), "bad.yaml", "app:\n  title: [oops\n");
    let out = portico(&["config", "check", "--config", &file], dir.path());
    assert_clean_failure(&out, "bad.yaml:3:1: invalid YAML");
}

#[test]
fn config_check_reports_ok_and_warnings() {
    let dir = tempfile::tempdir().expect("dir");
    write(
        dir.path(),
        "app-config.yaml",
        "app:\n  branding:\n    theme:\n      light:\n        primaryColor: '#ffff00'\n",
    );
    let out = portico(&["config", "check"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "warning: `app.branding.theme.light.palette.primary.main` has contrast 1.07:1"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("app-config.yaml (listen 0.0.0.0:7007, database Sqlite)"), "{stdout}");
}

#[test]
fn port_in_use() {
    let dir = tempfile::tempdir().expect("dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let file = write(
        dir.path(),
        "c.yaml",
        &format!("backend:\n  listen:\n    host: 127.0.0.1\n    port: {port}\n"),
    );
    let out = portico(&["serve", "--config", &file], dir.path());
    assert_clean_failure(&out, &format!("cannot listen on 127.0.0.1:{port}"));
}

#[test]
fn unreachable_postgres() {
    let dir = tempfile::tempdir().expect("dir");
    let file = write(
        dir.path(),
        "c.yaml",
        &format!(
            "backend:\n  listen:\n    host: 127.0.0.1\n    port: {}\n  database:\n    client: pg\n    connection: postgres://u:p@127.0.0.1:1/db\n",
            free_port()
        ),
    );
    let out = portico(&["serve", "--config", &file], dir.path());
    assert_clean_failure(&out, "cannot connect to PostgreSQL at 127.0.0.1:1/db");
}

#[test]
fn invalid_postgres_url() {
    let dir = tempfile::tempdir().expect("dir");
    let file = write(
        dir.path(),
        "c.yaml",
        &format!(
            "backend:\n  listen:\n    port: {}\n  database:\n    client: pg\n    connection: 'mysql://nope'\n",
            free_port()
        ),
    );
    let out = portico(&["serve", "--config", &file], dir.path());
    assert_clean_failure(&out, "not a valid PostgreSQL URL");
}

#[test]
fn data_directory_that_cannot_be_created() {
    let dir = tempfile::tempdir().expect("dir");
    // A regular file where a folder should be: fails even for root, unlike permission bits.
    write(dir.path(), "blocker", "");
    let file = write(
        dir.path(),
        "c.yaml",
        &format!(
            "backend:\n  dataDir: blocker/data\n  listen:\n    host: 127.0.0.1\n    port: {}\n",
            free_port()
        ),
    );
    let out = portico(&["serve", "--config", &file], dir.path());
    assert_clean_failure(&out, "cannot create the data directory");
}

#[test]
fn serves_then_shuts_down_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let file = write(
        dir.path(),
        "c.yaml",
        &format!("backend:\n  listen:\n    host: 127.0.0.1\n    port: {port}\n"),
    );
    let server = Running::start(
        Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(["serve", "--config", &file])
            .current_dir(dir.path())
            .env("RUST_LOG", "info"),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
            s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").expect("send");
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            assert!(reply.contains(r#"{"status":"ok"}"#), "{reply}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(dir.path().join("data/portico.db").exists(), "SQLite file in the data directory");
    let status =
        Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let out = server.wait(Duration::from_secs(30));
    let stderr = out.stderr;
    assert!(out.status.success(), "exit after SIGTERM: {stderr}");
    assert!(stderr.contains("shut down cleanly"), "{stderr}");
}
