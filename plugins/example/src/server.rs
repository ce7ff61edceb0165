//! The server half: the JSON router, the migration, and the logic behind the server functions.

use crate::api::{Note, PageData};
use crate::config::Config;
use axum::{Json, Router, extract::State, routing::get};
use portico_plugin_api::PortalError;
use portico_plugin_api::server::{Backend, ConfigError, Db, Migration, PluginContext, ServerError};

/// The example plugin's backend.
pub(crate) const BACKEND: Backend = Backend::new(router, MIGRATIONS).config::<Config>();

const MIGRATIONS: &[Migration] = &[Migration::new(
    1,
    "create example_notes",
    "CREATE TABLE example_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TABLE example_notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
)];

/// Longest note accepted, in characters.
const MAX_NOTE_CHARS: usize = 500;

fn router(ctx: &PluginContext) -> Result<Router, ConfigError> {
    // Reading the config here makes a bad `example:` section stop start-up with its location.
    let _config: Config = ctx.config()?;
    Ok(Router::new()
        .route("/health", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .route("/notes", get(list_notes))
        .with_state(ctx.db.clone()))
}

async fn list_notes(State(db): State<Db>) -> Result<Json<Vec<Note>>, ServerError> {
    Ok(Json(notes(&db).await?))
}

async fn notes(db: &Db) -> Result<Vec<Note>, ServerError> {
    const SQL: &str = "SELECT id, body FROM example_notes ORDER BY id DESC LIMIT 50";
    let rows: Vec<(i64, String)> = match db {
        Db::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
        Db::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
        _ => return Err(ServerError::internal("unsupported database")),
    };
    Ok(rows.into_iter().map(|(id, body)| Note { id, body }).collect())
}

pub(crate) async fn load_page() -> Result<PageData, ServerError> {
    let ctx = portico_plugin_api::server::context("example")?;
    let config: Config = ctx.config().map_err(ServerError::internal)?;
    Ok(PageData { greeting: config.greeting, notes: notes(&ctx.db).await? })
}

pub(crate) async fn add_note(body: &str) -> Result<(), ServerError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(PortalError::bad_request("A note cannot be empty.").into());
    }
    if body.chars().count() > MAX_NOTE_CHARS {
        return Err(PortalError::bad_request(format!(
            "A note can be at most {MAX_NOTE_CHARS} characters."
        ))
        .into());
    }
    let ctx = portico_plugin_api::server::context("example")?;
    const SQL: &str = "INSERT INTO example_notes (body) VALUES ($1)";
    match &ctx.db {
        Db::Sqlite(pool) => sqlx::query(SQL).bind(body).execute(pool).await.map(drop)?,
        Db::Postgres(pool) => sqlx::query(SQL).bind(body).execute(pool).await.map(drop)?,
        _ => return Err(ServerError::internal("unsupported database")),
    };
    Ok(())
}
