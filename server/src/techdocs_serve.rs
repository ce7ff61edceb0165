//! `portico techdocs serve`: a live preview of a docs folder in the portal's
//! own reader. It builds the site, publishes it as `default/component/local`
//! into a temporary folder, starts the portal on loopback with
//! `techdocs.liveReload` on, and rebuilds on every save: a saved page alone is
//! rendered again and its files replaced, and the open reader reloads itself
//! when the site's etag changes (the `/api/techdocs/events` stream).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};
use portico_config::{Config, Source};
use portico_techdocs::{BuildOptions, Rebuild, Site};

use crate::settings::Settings;

/// Where the preview's site is published, as Backstage's techdocs-cli does.
pub const ENTITY: &str = "default/component/local";
/// Saves arrive as bursts of events (write, rename, attributes); this gathers one burst.
const SETTLE: Duration = Duration::from_millis(15);

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub host: String,
    pub port: u16,
    /// Extra config files (a theme, say), under the preview's own settings.
    pub config: Vec<PathBuf>,
}

/// Builds, serves and watches until Ctrl-C.
pub fn run(options: &Options) -> anyhow::Result<()> {
    let dir = options
        .dir
        .canonicalize()
        .with_context(|| format!("cannot open {}", options.dir.display()))?;
    let work = Workspace::new()?;
    let site_dir = work.root.join("sites").join(ENTITY);
    let build_options = BuildOptions { allow_env: true, ..BuildOptions::default() };
    let started = Instant::now();
    let site = portico_techdocs::build(&dir, &dir, &build_options).map_err(|d| {
        anyhow::anyhow!("{d}\nthe site cannot be built; fix mkdocs.yml and run again")
    })?;
    print_diagnostics(&site, &dir, None);
    portico_techdocs::output::write_site(&site, &site_dir)?;
    println!("built {} page(s) in {} ms", site.pages.len(), started.elapsed().as_millis());

    let settings = preview_settings(options, &work.root)?;
    crate::serve::init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()?;
    let url = format!("http://{}:{}/docs/{ENTITY}/", options.host, options.port);
    let (events_tx, events_rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events_tx.send(event);
    })
    .context("cannot watch the folder for changes")?;
    watcher.watch(&dir, RecursiveMode::Recursive).context("cannot watch the folder for changes")?;
    let watching =
        std::thread::spawn(move || watch(events_rx, site, &dir, &site_dir, &build_options));
    println!("previewing at {url} (Ctrl-C to stop); pages reload on save");
    let served = runtime.block_on(crate::serve::serve(settings));
    // The watcher holds the events' sender: dropping it ends the watch loop,
    // which may be writing a rebuild; wait for it, then for the runtime's
    // threads, before the workspace is removed.
    drop(watcher);
    let _ = watching.join();
    drop(runtime);
    served
}

/// The portal's settings for a preview: the caller's config files, then
/// loopback, a temporary data folder and the preview's publish folder.
fn preview_settings(options: &Options, work: &Path) -> anyhow::Result<Settings> {
    let mut sources = Vec::new();
    for file in &options.config {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        sources.push(Source { name: file.display().to_string(), text });
    }
    let preview = serde_json::json!({
        "backend": {
            "listen": { "host": options.host, "port": options.port },
            "dataDir": work.join("data"),
        },
        "techdocs": {
            "builder": "external",
            "liveReload": true,
            "publisher": { "type": "local", "local": { "publishDirectory": work.join("sites") } },
        },
    });
    // JSON is YAML: the preview's keys layer over the caller's like one more file.
    sources.push(Source { name: "(techdocs serve)".into(), text: preview.to_string() });
    let env = |name: &str| std::env::var(name).ok();
    let config = Config::from_sources(sources, &env)?;
    Settings::from_config(config, options.config.clone(), work)
}

/// A temporary folder for the preview, removed when the command ends.
struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new() -> anyhow::Result<Self> {
        let root =
            std::env::temp_dir().join(format!("portico-techdocs-serve-{}", std::process::id()));
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        std::fs::create_dir_all(&root)?;
        Ok(Workspace { root })
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Rebuilds after every burst of saves, until the watcher goes.
fn watch(
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    site: Site,
    dir: &Path,
    site_dir: &Path,
    options: &BuildOptions,
) {
    // `None` after a build failed: the next save builds from scratch.
    let mut last = Some(site);
    while let Ok(first) = events.recv() {
        let mut changed = Vec::new();
        collect(first, dir, &mut changed);
        while let Ok(more) = events.recv_timeout(SETTLE) {
            collect(more, dir, &mut changed);
        }
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        let (rebuilt, nav_before) = match last.take() {
            Some(previous) => {
                let nav = previous.nav.clone();
                (portico_techdocs::rebuild(previous, dir, dir, options, &changed), Some(nav))
            }
            None => (portico_techdocs::build(dir, dir, options).map(Rebuild::whole), None),
        };
        let rebuilt = match rebuilt {
            Ok(rebuilt) => rebuilt,
            Err(diagnostic) => {
                // The last good site stays on show; the next save tries again.
                println!(
                    "{diagnostic}\nthe site cannot be built; still showing the last good build"
                );
                continue;
            }
        };
        let written = if rebuilt.full || nav_before.as_ref() != Some(&rebuilt.site.nav) {
            portico_techdocs::output::write_site(&rebuilt.site, site_dir)
        } else {
            portico_techdocs::output::update_site(&rebuilt.site, site_dir, &rebuilt.rendered)
        };
        print_diagnostics(&rebuilt.site, dir, Some(&changed));
        match written {
            Ok(()) => println!(
                "rebuilt {} of {} page(s) in {} ms",
                rebuilt.rendered.len(),
                rebuilt.site.pages.len(),
                started.elapsed().as_millis()
            ),
            Err(e) => println!("error: cannot write the site: {e}"),
        }
        last = Some(rebuilt.site);
    }
}

/// The paths an event touched, leaving out hidden files and editors' backups
/// inside `dir` (the build ignores them too).
fn collect(event: notify::Result<notify::Event>, dir: &Path, changed: &mut Vec<PathBuf>) {
    let Ok(event) = event else { return };
    if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)) {
        return;
    }
    for path in event.paths {
        let inside = path.strip_prefix(dir).unwrap_or(&path);
        let hidden = inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let backup = path.to_string_lossy().ends_with('~');
        if !hidden && !backup {
            changed.push(path);
        }
    }
}

/// Problems of the build; after a save, only those in the saved files
/// (diagnostics name files relative to the repository, `dir`).
fn print_diagnostics(site: &Site, dir: &Path, changed: Option<&[PathBuf]>) {
    for diagnostic in &site.diagnostics {
        let shown =
            changed.is_none_or(|changed| changed.contains(&dir.join(diagnostic.file.as_str())));
        if shown {
            println!("{diagnostic}");
        }
    }
}
