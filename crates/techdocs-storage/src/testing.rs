//! Real object stores for tests, on loopback: moto's S3 server, from PyPI
//! (`cargo xtask setup` installs it in a virtualenv and `cargo xtask test`
//! names it in `PORTICO_MOTO_SERVER`), and Azurite, Microsoft's Azure Blob
//! Storage emulator, from npm (`PORTICO_AZURITE`). Without them, tests that
//! need them skip, unless `PORTICO_REQUIRE_S3=1` (CI) makes that a failure.

use crate::Publisher;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Waits for a server started on `port` to accept connections (a minute at most).
fn wait_listening(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An empty `PUT` to a server on loopback with extra header lines (each
/// ending in CRLF); the whole reply. The one request each test server needs
/// before object_store can talk to it.
fn put(port: u16, path: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    // A deadline, so a server that accepts but never answers fails the test.
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    reply
}

/// The `moto_server` program: `PORTICO_MOTO_SERVER`, or the one on the path.
fn moto_server() -> String {
    std::env::var("PORTICO_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into())
}

/// moto's S3 server on a free loopback port, stopped when dropped.
pub struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    /// Starts the server; `None` (skip) when it is not installed, unless
    /// `PORTICO_REQUIRE_S3` is set.
    pub fn start() -> Option<S3Server> {
        Self::spawn(&moto_server(), |port| vec!["-H".into(), "127.0.0.1".into(), "-p".into(), port])
    }

    /// The same server for Cloud Storage's XML API, through
    /// `testing/xml_api_server.py` (run by the Python of moto's virtualenv):
    /// it puts an AWS-style Authorization header where object_store's GCS
    /// client, pointed at an endpoint without OAuth, sends none or an empty
    /// bearer token (moto answers those with 403 and 500).
    pub fn start_for_gcs() -> Option<S3Server> {
        let moto = moto_server();
        let python = match std::path::Path::new(&moto).parent() {
            Some(bin) if !bin.as_os_str().is_empty() => bin.join("python").display().to_string(),
            _ => "python3".into(),
        };
        Self::spawn(&python, |port| {
            vec![
                "-c".into(),
                include_str!("testing/xml_api_server.py").into(),
                "127.0.0.1".into(),
                port,
            ]
        })
    }

    fn spawn(program: &str, args: impl FnOnce(String) -> Vec<String>) -> Option<S3Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new(program)
            .args(args(port.to_string()))
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
        wait_listening(port, "moto");
        Some(moto)
    }

    /// Creates a bucket (moto accepts an unsigned request).
    pub fn create_bucket(&self, name: &str) {
        let reply = put(self.port, &format!("/{name}"), "");
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

    /// `techdocs.publisher` of type `googleGcs` for a bucket of this server:
    /// object_store's GCS client speaks Cloud Storage's XML API, which is
    /// interoperable with S3's, and a service account key with
    /// `gcs_base_url` and `disable_oauth` is how it is pointed at another
    /// endpoint. No Cloud Storage emulator that serves the XML API can be
    /// installed from the allowed registries (gcp-storage-emulator, from
    /// PyPI, serves uploads and downloads but neither listing nor deleting).
    /// Start the server with [`S3Server::start_for_gcs`] for this.
    pub fn gcs_publisher(&self, bucket: &str, root: Option<&str>) -> Publisher {
        let key = serde_json::json!({
            "gcs_base_url": format!("http://127.0.0.1:{}", self.port),
            "disable_oauth": true,
            "client_email": "",
            "private_key": "",
            "private_key_id": "",
        });
        let publisher = serde_json::json!({
            "type": "googleGcs",
            "googleGcs": {
                "bucketName": bucket,
                "bucketRootPath": root,
                "projectId": "portico-tests",
                "credentials": key.to_string(),
            }
        });
        serde_json::from_value(publisher).expect("publisher")
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Azurite's blob service (Microsoft's Azure Storage emulator, from npm:
/// `cargo xtask setup` installs it with the end-to-end tests' packages and
/// `cargo xtask test` names it in `PORTICO_AZURITE`) on a free loopback
/// port, with its data in a temporary folder; stopped when dropped. Without
/// it, tests that need it skip, unless `PORTICO_REQUIRE_S3=1` (CI).
pub struct AzureServer {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
}

/// Azurite's well-known development account.
const AZURITE_ACCOUNT: &str = "devstoreaccount1";
const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

impl AzureServer {
    /// Starts the server; `None` (skip) when it is not installed, unless
    /// `PORTICO_REQUIRE_S3` is set.
    pub fn start() -> Option<AzureServer> {
        let Ok(program) = std::env::var("PORTICO_AZURITE") else {
            assert!(
                std::env::var("PORTICO_REQUIRE_S3").is_err(),
                "PORTICO_REQUIRE_S3 is set but PORTICO_AZURITE does not name azurite-blob"
            );
            eprintln!("skipped: no Azure Storage emulator (set PORTICO_AZURITE)");
            return None;
        };
        let data = tempfile::tempdir().expect("azurite data folder");
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new(&program)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string(), "--silent"])
            .arg("--location")
            .arg(data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("PORTICO_AZURITE names {program}, which does not start: {e}")
            });
        let azurite = AzureServer { child, port, _data: data };
        wait_listening(port, "azurite");
        Some(azurite)
    }

    /// Creates a container: the one call object_store does not make, signed
    /// here with the account's shared key as Azure's REST API asks.
    pub fn create_container(&self, name: &str) {
        use base64::Engine as _;
        use hmac::Mac as _;
        let date = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc2822)
            .expect("date")
            .replace("+0000", "GMT");
        let version = "2021-08-06";
        // Verb, eleven empty standard headers, the x-ms headers, the resource.
        let to_sign = format!(
            "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n/{AZURITE_ACCOUNT}/{AZURITE_ACCOUNT}/{name}\nrestype:container"
        );
        let key = base64::engine::general_purpose::STANDARD.decode(AZURITE_KEY).expect("key");
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("hmac key");
        mac.update(to_sign.as_bytes());
        let signature =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let headers = format!(
            "x-ms-date: {date}\r\nx-ms-version: {version}\r\n\
             Authorization: SharedKey {AZURITE_ACCOUNT}:{signature}\r\n"
        );
        let reply =
            put(self.port, &format!("/{AZURITE_ACCOUNT}/{name}?restype=container"), &headers);
        assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    }

    /// `techdocs.publisher` for a container of this server, configured as an
    /// integrator configures Azurite: a connection string.
    pub fn publisher(&self, container: &str) -> Publisher {
        serde_json::from_value(serde_json::json!({
            "type": "azureBlobStorage",
            "azureBlobStorage": {
                "containerName": container,
                "connectionString": format!(
                    "DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:{}/{AZURITE_ACCOUNT};",
                    self.port
                ),
            }
        }))
        .expect("publisher")
    }
}

impl Drop for AzureServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
