//! A thin layer over sqlx so each catalog query is written once for SQLite and
//! PostgreSQL: text and integer arguments, rows of text/integer cells.
//!
//! Placeholders are `$1, $2, …` in order of first appearance (SQLite numbers
//! `$N` parameters by first appearance; PostgreSQL by N: ascending order makes
//! both agree). Columns are TEXT or BIGINT only.

use portico_plugin_api::server::Db;

/// A bound argument.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(i: i64) -> Self {
        Arg::Int(i)
    }
}
impl From<Option<String>> for Arg {
    fn from(s: Option<String>) -> Self {
        s.map_or(Arg::Null, Arg::Text)
    }
}

/// One cell of a result row.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Null,
}

/// One result row.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Cell>);

impl Row {
    /// Column `i` as text (integers are formatted).
    pub(crate) fn text(&self, i: usize) -> Option<String> {
        match self.0.get(i)? {
            Cell::Text(s) => Some(s.clone()),
            Cell::Int(n) => Some(n.to_string()),
            Cell::Null => None,
        }
    }

    /// Column `i` as an integer (0 when null or not a number).
    pub(crate) fn int(&self, i: usize) -> i64 {
        match self.0.get(i) {
            Some(Cell::Int(n)) => *n,
            Some(Cell::Text(s)) => s.parse().unwrap_or(0),
            _ => 0,
        }
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
                Arg::Null => q.bind(None::<String>),
            };
        }
        q
    }};
}

/// Reads every column of a row as text, else as an integer, else null.
fn cells<R>(row: &R) -> Row
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Row((0..row.len())
        .map(|i| {
            if let Ok(Some(s)) = row.try_get::<Option<String>, _>(i) {
                Cell::Text(s)
            } else if let Ok(Some(n)) = row.try_get::<Option<i64>, _>(i) {
                Cell::Int(n)
            } else {
                Cell::Null
            }
        })
        .collect())
}

/// Counts committed write transactions in this process: anything cached from
/// the catalog is valid only for the generation it was read at.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The current write generation.
pub(crate) fn generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::SeqCst)
}

/// Which database a pool is, for cache keys (tests run several in one process).
pub(crate) fn identity(db: &Db) -> usize {
    match db {
        Db::Sqlite(p) => std::sync::Arc::as_ptr(&p.connect_options()) as usize,
        Db::Postgres(p) => std::sync::Arc::as_ptr(&p.connect_options()) as usize,
        _ => 0,
    }
}

/// A transaction on either engine.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// Begins a transaction. SQLite takes the write lock at once (`BEGIN
    /// IMMEDIATE` semantics via a no-op write would be cleaner; sqlx begins
    /// deferred, and the first write upgrades it).
    pub(crate) async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        match db {
            Db::Sqlite(p) => Ok(Tx::Sqlite(p.begin().await?)),
            Db::Postgres(p) => Ok(Tx::Postgres(p.begin().await?)),
            _ => Err(sqlx::Error::Configuration("unsupported database".into())),
        }
    }

    /// Runs a statement; returns rows affected.
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                Ok(bind_all!(sqlx::query(sql), args).execute(&mut **tx).await?.rows_affected())
            }
            Tx::Postgres(tx) => {
                Ok(bind_all!(sqlx::query(sql), args).execute(&mut **tx).await?.rows_affected())
            }
        }
    }

    /// Runs a query; returns its rows.
    pub(crate) async fn rows(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<Row>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => Ok(bind_all!(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(cells)
                .collect()),
            Tx::Postgres(tx) => Ok(bind_all!(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(cells)
                .collect()),
        }
    }

    /// Commits, and moves the write generation on (read caches key on it).
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// Runs a read query on the pool.
pub(crate) async fn rows(db: &Db, sql: &str, args: &[Arg]) -> Result<Vec<Row>, sqlx::Error> {
    match db {
        Db::Sqlite(p) => {
            Ok(bind_all!(sqlx::query(sql), args).fetch_all(p).await?.iter().map(cells).collect())
        }
        Db::Postgres(p) => {
            Ok(bind_all!(sqlx::query(sql), args).fetch_all(p).await?.iter().map(cells).collect())
        }
        _ => Err(sqlx::Error::Configuration("unsupported database".into())),
    }
}

/// `$a, $b, …` for `n` placeholders starting after `used` ones.
pub(crate) fn placeholders(used: usize, n: usize) -> String {
    (used + 1..=used + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `text` matched literally inside a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl Tx {
    /// Inserts many rows through one JSON parameter (`INSERT … SELECT … FROM
    /// json_each`): binding thousands of separate parameters costs far more in
    /// sqlx than SQLite or PostgreSQL spend unpacking one JSON array. `suffix`
    /// follows the SELECT (an `ON CONFLICT` clause, for example); without one,
    /// PostgreSQL takes the rows through `COPY` instead.
    pub(crate) async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Option<String>>],
        suffix: &str,
    ) -> Result<(), sqlx::Error> {
        if let (Tx::Postgres(tx), "") = (&mut *self, suffix) {
            return copy_in(tx, table, columns, rows).await;
        }
        for chunk in rows.chunks(JSON_CHUNK) {
            let json = serde_json::to_string(chunk).unwrap_or_default();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {} WHERE true {suffix}",
                columns.join(", "),
                self.json_columns(columns),
                self.json_rows(1)
            );
            self.execute(&sql, &[Arg::Text(json)]).await?;
        }
        Ok(())
    }

    /// `SELECT`-list items reading the current JSON row `j`, one per name, in order.
    pub(crate) fn json_columns(&self, names: &[&str]) -> String {
        let cell = |(i, name): (usize, &&str)| match self {
            Tx::Sqlite(_) => format!("j.value ->> {i} AS {name}"),
            Tx::Postgres(_) => format!("j ->> {i} AS {name}"),
        };
        names.iter().enumerate().map(cell).collect::<Vec<_>>().join(", ")
    }

    /// The rows of the JSON array parameter `$p`, as a `FROM` item named `j`.
    pub(crate) fn json_rows(&self, p: usize) -> String {
        match self {
            Tx::Sqlite(_) => format!("json_each(${p}) AS j"),
            Tx::Postgres(_) => format!("json_array_elements(${p}::json) AS j"),
        }
    }

    /// A subquery listing the strings of the JSON array parameter `$p` (for `IN (…)`).
    pub(crate) fn json_list(&self, p: usize) -> String {
        match self {
            Tx::Sqlite(_) => format!("SELECT value FROM json_each(${p})"),
            Tx::Postgres(_) => format!("SELECT json_array_elements_text(${p}::json)"),
        }
    }
}

/// PostgreSQL's fastest way in: `COPY … FROM STDIN` in its text format. At
/// 100k entities the 2.3 million filter-index rows took 15.6 s as JSON-unpacking
/// `INSERT`s.
async fn copy_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Option<String>>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut copy = tx.copy_in_raw(&statement).await?;
    let mut buffer = String::with_capacity(COPY_BUFFER + 4096);
    for row in rows {
        copy_line(&mut buffer, row);
        if buffer.len() >= COPY_BUFFER {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Bytes handed to the server per `COPY` message.
const COPY_BUFFER: usize = 1 << 20;

/// One row in `COPY`'s text format: tab-separated, `\N` for NULL, and the
/// format's own characters escaped.
fn copy_line(out: &mut String, row: &[Option<String>]) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match cell {
            None => out.push_str("\\N"),
            Some(text) => {
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// [`Tx::json_list`] outside a transaction.
pub(crate) fn json_list_on(db: &Db, p: usize) -> String {
    match db {
        Db::Postgres(_) => format!("SELECT json_array_elements_text(${p}::json)"),
        _ => format!("SELECT value FROM json_each(${p})"),
    }
}

/// Rows per JSON bulk statement (bounds the size of one bound string).
pub(crate) const JSON_CHUNK: usize = 5000;

/// A JSON array argument from strings.
pub(crate) fn json_arg<S: AsRef<str>>(items: &[S]) -> Arg {
    Arg::Text(
        serde_json::to_string(&items.iter().map(AsRef::as_ref).collect::<Vec<&str>>())
            .unwrap_or_default(),
    )
}
