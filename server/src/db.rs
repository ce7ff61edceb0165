//! Connecting to the database and applying every plugin's migrations.
//!
//! SQLite (a file in the data directory, WAL mode) is the default; PostgreSQL is
//! used when `backend.database.client: pg`. Migrations are recorded per plugin in
//! `portico_migrations`, each applied in its own transaction.

use anyhow::{Context, bail};
use portico_config::{BackendSection, Connection, DatabaseClient};
use portico_plugin_api::server::{Db, Migration};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Opens the configured database. `data_dir` holds the SQLite file by default.
pub async fn connect(backend: &BackendSection, data_dir: &Path) -> anyhow::Result<Db> {
    match backend.database.client {
        DatabaseClient::Postgres => connect_postgres(backend.database.connection.as_ref()).await,
        _ => connect_sqlite(backend.database.connection.as_ref(), data_dir).await,
    }
}

async fn connect_sqlite(connection: Option<&Connection>, data_dir: &Path) -> anyhow::Result<Db> {
    let file = match connection {
        Some(Connection::Url(s)) if s == ":memory:" => None,
        Some(Connection::Url(s)) => Some(data_dir.join(s.trim_start_matches("sqlite://"))),
        Some(Connection::Params(p)) => {
            Some(data_dir.join(p.directory.as_deref().unwrap_or(".")).join("portico.db"))
        }
        None => Some(data_dir.join("portico.db")),
    };
    let options = match &file {
        None => SqliteConnectOptions::from_str("sqlite::memory:")?,
        Some(path) => {
            let dir = path.parent().unwrap_or(data_dir);
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the data directory {} (set backend.dataDir to a writable folder)", dir.display())
            })?;
            check_writable(dir)?;
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        }
    }
    .foreign_keys(true)
    .busy_timeout(Duration::from_secs(5))
    // SQLite's default page cache is 2 MiB: far too small for the catalog's
    // indexes at 100k entities, where inserts then thrash. 16 MiB per
    // connection is an upper bound, only used as the database grows; it is
    // per connection, and at 64 MiB three busy connections held about
    // 170 MB of the server's peak memory at 100k, for no faster ingest.
    .pragma("cache_size", "-16384")
    // And all connections together stay near 64 MiB (SQLite's soft heap
    // limit is for the whole process: past it, page caches recycle their
    // pages instead of growing). Eight connections serving the catalog
    // index page at 100k otherwise filled 16 MiB each: +100 MB RSS.
    .pragma("soft_heap_limit", "67108864")
    .pragma("temp_store", "memory");
    // An in-memory database exists per connection: keep exactly one.
    let max = if file.is_none() { 1 } else { 8 };
    let pool =
        SqlitePoolOptions::new().max_connections(max).connect_with(options).await.with_context(
            || match &file {
                Some(p) => format!("cannot open the SQLite database {}", p.display()),
                None => "cannot open an in-memory SQLite database".to_owned(),
            },
        )?;
    Ok(Db::Sqlite(pool))
}

fn check_writable(dir: &Path) -> anyhow::Result<()> {
    let probe = dir.join(".portico-write-test");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .with_context(|| format!("the data directory {} is not writable (set backend.dataDir to a writable folder, or fix its permissions)", dir.display()))
}

async fn connect_postgres(connection: Option<&Connection>) -> anyhow::Result<Db> {
    let options = match connection {
        Some(Connection::Url(url)) if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) => {
            bail!("backend.database.connection is not a valid PostgreSQL URL (postgres://user:pass@host:5432/db)")
        }
        Some(Connection::Url(url)) => PgConnectOptions::from_str(url)
            .context("backend.database.connection is not a valid PostgreSQL URL (postgres://user:pass@host:5432/db)")?,
        Some(Connection::Params(p)) => {
            let mut o = PgConnectOptions::new();
            if let Some(h) = &p.host {
                o = o.host(h);
            }
            if let Some(port) = p.port {
                o = o.port(port);
            }
            if let Some(u) = &p.user {
                o = o.username(u);
            }
            if let Some(pw) = &p.password {
                o = o.password(pw);
            }
            if let Some(d) = &p.database {
                o = o.database(d);
            }
            o
        }
        None => bail!("backend.database.client is pg but backend.database.connection is not set"),
    };
    // Plans made for each statement's actual values. sqlx prepares every
    // statement, and after five runs PostgreSQL may switch to one generic
    // plan; for the catalog's filter queries, whose selectivity depends wholly
    // on the values, that plan walked every component (a by-query at 100k
    // entities went from 3 ms to 160 ms).
    let options = options.options([("plan_cache_mode", "force_custom_plan")]);
    let target = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("(default database)")
    );
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {target} (check backend.database.connection and that the server is running)"))?;
    Ok(Db::Postgres(pool))
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS portico_migrations (\
    owner TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, \
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (owner, version))";

/// The same steps on either engine. A macro, because sqlx's executor types differ
/// per database and a generic function over them would be harder to read.
macro_rules! apply_pending {
    ($conn:ident, $engine:ident, $sets:expr) => {{
        sqlx::query(CREATE_TABLE).execute(&mut *$conn).await?;
        let mut applied = 0;
        for (owner, migrations) in $sets {
            for m in *migrations {
                let done: Option<(i64,)> = sqlx::query_as(
                    "SELECT version FROM portico_migrations WHERE owner = $1 AND version = $2",
                )
                .bind(owner)
                .bind(m.version)
                .fetch_optional(&mut *$conn)
                .await?;
                if done.is_some() {
                    continue;
                }
                let mut tx = sqlx::Connection::begin(&mut *$conn).await?;
                sqlx::raw_sql(m.$engine)
                    .execute(&mut *tx)
                    .await
                    .with_context(|| failed(owner, m))?;
                sqlx::query(
                    "INSERT INTO portico_migrations (owner, version, name) VALUES ($1, $2, $3)",
                )
                .bind(owner)
                .bind(m.version)
                .bind(m.name)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                applied += 1;
            }
        }
        anyhow::Ok(applied)
    }};
}

/// Applies every migration not yet applied, owner by owner, in order.
/// Returns how many were applied.
pub async fn migrate(db: &Db, sets: &[(&str, &[Migration])]) -> anyhow::Result<usize> {
    match db {
        Db::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            apply_pending!(conn, sqlite, sets)
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            // One replica migrates at a time.
            sqlx::query("SELECT pg_advisory_lock(7007)").execute(&mut *conn).await?;
            let result = async { apply_pending!(conn, postgres, sets) }.await;
            sqlx::query("SELECT pg_advisory_unlock(7007)").execute(&mut *conn).await?;
            result
        }
        _ => bail!("unsupported database"),
    }
}

fn failed(owner: &str, m: &Migration) -> String {
    format!("migration {} `{}` of plugin `{owner}` failed", m.version, m.name)
}
