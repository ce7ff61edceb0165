//! A throwaway PostgreSQL server for the test suite, started from Debian's
//! `postgresql` package on loopback and stopped when dropped.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) struct TestPostgres {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub(crate) url: String,
}

fn find_bin() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (cargo xtask setup installs Debian's postgresql)")?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().context("no initdb under /usr/lib/postgresql")
}

impl TestPostgres {
    pub(crate) fn start() -> anyhow::Result<Self> {
        let bin = find_bin()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("portico-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        // PostgreSQL refuses to run as root: run it as the `postgres` user Debian creates.
        let as_postgres = crate::util::is_root();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()?
                .success();
            if !ok {
                bail!("cannot hand {} to the postgres user", dir.display());
            }
        }
        let pg = Self {
            bin,
            dir,
            as_postgres,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        };
        let data = pg.dir.join("data");
        pg.tool(
            "initdb",
            &["-D", path(&data)?, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
        )?;
        let opts =
            format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", path(&pg.dir)?);
        let log = pg.dir.join("log");
        pg.tool("pg_ctl", &["-D", path(&data)?, "-l", path(&log)?, "-o", &opts, "-w", "start"])?;
        Ok(pg)
    }

    fn tool(&self, name: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(name);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out =
            cmd.args(args).output().with_context(|| format!("cannot run {}", program.display()))?;
        if !out.status.success() {
            bail!(
                "{name} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }
}

fn path(p: &Path) -> anyhow::Result<&str> {
    p.to_str().context("temporary path is not UTF-8")
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if let Ok(data) = path(&self.dir.join("data")) {
            let _ = self.tool("pg_ctl", &["-D", data, "-m", "fast", "-w", "stop"]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
