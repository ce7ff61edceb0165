//! A git server on loopback for the tests that fetch: git's smart HTTP
//! protocol (`git http-backend`, run as a CGI program behind an axum server
//! of the test's own), with token checks and TLS from a CA of the test's own
//! when asked. The git CLI serves; Portico fetches with gix.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the loopback git HTTP server asks of clients and remembers of them.
#[derive(Default, Clone)]
pub(crate) struct HttpOptions {
    /// The `Authorization` header every request must carry (else 401).
    pub(crate) require: Option<String>,
    /// Serve HTTPS with this certificate chain and key (PEM files).
    pub(crate) tls: Option<(PathBuf, PathBuf)>,
    /// Every `Authorization` header received (`-` for none).
    pub(crate) seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Git's smart HTTP protocol on loopback: `git http-backend` run as a CGI
/// program behind an axum server of the test's own. Returns the base URL.
pub(crate) async fn git_http(base: &Path) -> String {
    git_http_with(base, HttpOptions::default()).await
}

/// [`git_http`], with authentication or TLS as `options` ask.
pub(crate) async fn git_http_with(base: &Path, options: HttpOptions) -> String {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    let root = base.to_owned();
    let (require, seen) = (options.require.clone(), options.seen.clone());
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let root = root.clone();
            let (require, seen) = (require.clone(), seen.clone());
            async move {
                let header = move |name: &str| {
                    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
                };
                let authorization = header("authorization");
                seen.lock().expect("seen").push(if authorization.is_empty() {
                    "-".to_owned()
                } else {
                    authorization.clone()
                });
                if require.is_some_and(|r| r != authorization) {
                    return axum::http::Response::builder()
                        .status(StatusCode::UNAUTHORIZED)
                        .header("www-authenticate", "Basic realm=\"git\"")
                        .body(axum::body::Body::empty())
                        .expect("reply");
                }
                let output = tokio::task::spawn_blocking(move || {
                    use std::io::Write;
                    let mut child = Command::new("git")
                        .arg("http-backend")
                        .env("GIT_PROJECT_ROOT", &root)
                        .env("GIT_HTTP_EXPORT_ALL", "1")
                        .env("REQUEST_METHOD", method.as_str())
                        .env("PATH_INFO", uri.path())
                        .env("QUERY_STRING", uri.query().unwrap_or(""))
                        .env("CONTENT_TYPE", header("content-type"))
                        .env("CONTENT_LENGTH", body.len().to_string())
                        .env("HTTP_GIT_PROTOCOL", header("git-protocol"))
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("git http-backend starts");
                    child.stdin.take().expect("stdin").write_all(&body).expect("request body");
                    child.wait_with_output().expect("git http-backend ends").stdout
                })
                .await
                .expect("cgi");
                // CGI output: headers, a blank line, the body.
                let split = output.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, 4));
                let split =
                    split.or_else(|| output.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
                let (at, gap) = split.expect("CGI headers");
                let mut reply = axum::http::Response::builder().status(StatusCode::OK);
                for line in String::from_utf8_lossy(&output[..at]).lines() {
                    if let Some((name, value)) = line.split_once(':') {
                        let value = value.trim();
                        if name.eq_ignore_ascii_case("status") {
                            let code = value.split(' ').next().and_then(|c| c.parse().ok());
                            reply = reply.status(code.unwrap_or(500));
                        } else {
                            reply = reply.header(name, value);
                        }
                    }
                }
                reply.body(axum::body::Body::from(output[at + gap..].to_vec())).expect("reply")
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    match options.tls {
        None => {
            tokio::spawn(async move { axum::serve(listener, app).await });
            format!("http://{addr}")
        }
        Some((chain, key)) => {
            let tls = TlsListener { tcp: listener, acceptor: acceptor(&chain, &key) };
            tokio::spawn(async move { axum::serve(tls, app).await });
            format!("https://{addr}")
        }
    }
}

/// TLS on loopback for [`git_http_with`]: accepts connections whose handshake succeeds.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else { continue };
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

fn acceptor(chain: &Path, key: &Path) -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(chain)
        .expect("chain")
        .collect::<Result<_, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(key).expect("key");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config))
}

/// A certificate authority of the test's own and a certificate for
/// 127.0.0.1 it signed, made with the openssl CLI: (CA file, chain, key).
pub(crate) fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let ca = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Portico test CA"];
    openssl(&[&["req", "-x509"][..], &ec[..], &ca[..]].concat());
    let leaf = ["-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"];
    openssl(&[&["req"][..], &ec[..], &leaf[..]].concat());
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("leaf.ext");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (dir.join("ca.pem"), dir.join("leaf.pem"), dir.join("leaf.key"))
}
