//! Running the server: logging, binding, and graceful shutdown on SIGTERM or Ctrl-C.

use crate::settings::Settings;
use anyhow::Context;
use std::net::SocketAddr;

/// Structured logs to stderr; `RUST_LOG` filters, `PORTICO_LOG_FORMAT=json` switches to JSON lines.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let json = std::env::var("PORTICO_LOG_FORMAT").is_ok_and(|v| v == "json");
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

/// Starts the portal and runs until a shutdown signal.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    for warning in &settings.warnings {
        tracing::warn!("{warning}");
    }
    for warning in crate::theme::rejected_tokens(&settings.app.branding) {
        tracing::warn!("{warning}");
    }
    if !crate::assets::bundle_present() {
        tracing::warn!(
            "the WASM bundle is missing: pages render but do not hydrate (build it with `cargo xtask build`)"
        );
    }
    let listen = &settings.backend.listen;
    let addr: SocketAddr = format!("{}:{}", listen.host, listen.port)
        .parse()
        .with_context(|| format!("backend.listen.host `{}` is not an IP address", listen.host))?;
    // Bind before touching the database, so a busy port fails fast and clearly.
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another process using port {}? set backend.listen.port to another port)", listen.port)
    })?;
    let (router, db) = crate::routes::build(&settings).await?;
    let shown = if listen.host == "0.0.0.0" { "localhost" } else { listen.host.as_str() };
    tracing::info!("Portico is listening on http://{shown}:{}", listen.port);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped")?;
    // Background work (ingestion, collators) is dropped with the runtime;
    // closing the pool first lets the database finish its files before the
    // process (or `techdocs serve`, which then removes them) goes.
    if tokio::time::timeout(std::time::Duration::from_secs(10), db.close()).await.is_err() {
        tracing::warn!("the database was still busy after 10 s; stopping anyway");
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received; finishing open requests");
    portico_plugin_api::server::begin_shutdown();
}
