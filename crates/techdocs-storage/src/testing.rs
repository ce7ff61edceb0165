//! A real S3-compatible server for tests: moto's, from PyPI (`cargo xtask
//! setup` installs it in a virtualenv and `cargo xtask test` names it in
//! `PORTICO_MOTO_SERVER`). Without it, tests that need it skip, unless
//! `PORTICO_REQUIRE_S3=1` (CI) makes that a failure.

use crate::Publisher;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// moto's S3 server on a free loopback port, stopped when dropped.
pub struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    /// Starts the server; `None` (skip) when it is not installed, unless
    /// `PORTICO_REQUIRE_S3` is set.
    pub fn start() -> Option<S3Server> {
        let program = std::env::var("PORTICO_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                assert!(
                    std::env::var("PORTICO_REQUIRE_S3").is_err(),
                    "PORTICO_REQUIRE_S3 is set but {program} does not start: {e}"
                );
                eprintln!("skipped: no S3-compatible server ({program}: {e})");
                return None;
            }
        };
        let moto = S3Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// Creates a bucket (moto accepts an unsigned request).
    pub fn create_bucket(&self, name: &str) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("send");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    }

    /// `techdocs.publisher` for a bucket of this server.
    pub fn publisher(&self, bucket: &str, root: Option<&str>) -> Publisher {
        serde_json::from_value(self.publisher_json(bucket, root)).expect("publisher")
    }

    /// The same as JSON, for a config file.
    pub fn publisher_json(&self, bucket: &str, root: Option<&str>) -> serde_json::Value {
        serde_json::json!({
            "type": "awsS3",
            "awsS3": {
                "bucketName": bucket,
                "bucketRootPath": root,
                "region": "us-east-1",
                "endpoint": format!("http://127.0.0.1:{}", self.port),
                "s3ForcePathStyle": true,
                "credentials": { "accessKeyId": "test", "secretAccessKey": "test" }
            }
        })
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
