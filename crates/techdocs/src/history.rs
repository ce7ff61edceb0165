//! When each page last changed, from the repository's git history (what
//! mkdocs-git-revision-date-localized shows): the time of the newest commit
//! on the first-parent line from `HEAD` that changed the file.
//!
//! Read with gix (no git binary). The walk compares each commit's tree with
//! the next older one, descending only into folders whose tree ids differ
//! and that hold a page still unanswered, and stops once every page has its
//! date (or after [`MAX_COMMITS`]). A shallow clone's oldest commit is taken
//! to have added what it holds. No repository, no date: the build goes on.
//! A full build runs the walk on a thread of its own beside the rendering
//! (`site::build_reusing`), and delta bases are cached, since each commit's trees
//! are stored as deltas of the previous ones.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use gix::ObjectId;

/// Any failure reading history: the build goes on without dates.
type Error = Box<dyn std::error::Error + Send + Sync>;

/// History deeper than this is not read (a page unchanged for that long
/// gets the date of the oldest commit read).
const MAX_COMMITS: usize = 20_000;

/// The last commit time (seconds since the Unix epoch) of each of `files`
/// (absolute paths) that git knows; empty when `root` is in no repository.
pub fn last_modified(root: &Path, files: &[PathBuf]) -> HashMap<PathBuf, i64> {
    let Ok(mut repo) = gix::discover(root) else { return HashMap::new() };
    // Each commit's trees are deltas of the previous commit's, in chains up
    // to 50 long: without a cache of delta bases, every tree read inflated
    // its whole chain again. 64 bases, 16 MB at most.
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(16 * 1024 * 1024))
    });
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return HashMap::new();
    };
    let mut by_path: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        let Ok(relative) = file.strip_prefix(&workdir) else { continue };
        let parts: Option<Vec<&str>> =
            relative.components().map(|c| c.as_os_str().to_str()).collect();
        if let Some(parts) = parts {
            by_path.insert(parts.join("/"), file.clone());
        }
    }
    let mut pending: BTreeSet<String> = by_path.keys().cloned().collect();
    let dates = walk(&repo, &mut pending).unwrap_or_default();
    dates.into_iter().filter_map(|(path, time)| Some((by_path.remove(&path)?, time))).collect()
}

/// Dates by repository path, removing each answered path from `pending`.
///
/// Each commit is read once (its tree, time and first parent come from the
/// one decoding) and each root tree once: the older tree of one pair is the
/// newer of the next.
fn walk(
    repo: &gix::Repository,
    pending: &mut BTreeSet<String>,
) -> Result<HashMap<String, i64>, Error> {
    let mut dates = HashMap::new();
    let mut next = Some(repo.head_id()?.detach());
    // The newer commit of the pair being compared: its tree, the tree's
    // entries and its time.
    let mut newer: Option<(ObjectId, Entries, i64)> = None;
    for _ in 0..MAX_COMMITS {
        let Some(id) = next.take() else { break };
        if pending.is_empty() {
            break;
        }
        let commit = match repo.find_commit(id) {
            Ok(commit) => commit,
            // A shallow clone's boundary: its parents are not there.
            Err(_) if newer.is_some() => break,
            Err(e) => return Err(e.into()),
        };
        let (tree, time) = (commit.tree_id()?.detach(), commit.time()?.seconds);
        next = commit.parent_ids().next().map(|parent| parent.detach());
        let entries = match newer.take() {
            // The same tree (an empty commit): nothing changed in between.
            Some((newer_tree, entries, _)) if newer_tree == tree => entries,
            newer => {
                let entries = tree_entries(repo, Some(tree))?;
                if let Some((_, newer_entries, newer_time)) = newer {
                    let mut changed = Vec::new();
                    diff_entries(repo, &entries, &newer_entries, "", pending, &mut changed)?;
                    for path in changed {
                        pending.remove(&path);
                        dates.insert(path, newer_time);
                    }
                }
                entries
            }
        };
        // This commit is the newer one of the next pair.
        newer = Some((tree, entries, time));
    }
    // The oldest commit read added whatever it holds.
    if let Some((_, entries, time)) = newer {
        let mut present = Vec::new();
        diff_entries(repo, &Entries::new(), &entries, "", pending, &mut present)?;
        for path in present {
            pending.remove(&path);
            dates.insert(path, time);
        }
    }
    Ok(dates)
}

/// A tree's entries by name: (is a tree, object id).
type Entries = HashMap<String, (bool, ObjectId)>;

/// Pushes onto `out` the pending files under `prefix` whose blob differs
/// between the trees `old` and `new` (either may be absent).
fn diff(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    prefix: &str,
    pending: &BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<(), Error> {
    if old == new {
        return Ok(());
    }
    let (before, after) = (tree_entries(repo, old)?, tree_entries(repo, new)?);
    diff_entries(repo, &before, &after, prefix, pending, out)
}

/// [`diff`] of two trees already read.
fn diff_entries(
    repo: &gix::Repository,
    before: &Entries,
    after: &Entries,
    prefix: &str,
    pending: &BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<(), Error> {
    for (name, (is_tree, id)) in after {
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let previous = before.get(name);
        if previous.is_some_and(|(_, old_id)| old_id == id) {
            continue;
        }
        if *is_tree {
            let folder = format!("{path}/");
            let holds_pending = pending.range(folder.clone()..).next();
            if holds_pending.is_some_and(|p| p.starts_with(&folder)) {
                let old_tree = previous.filter(|(was_tree, _)| *was_tree).map(|(_, id)| *id);
                diff(repo, old_tree, Some(*id), &path, pending, out)?;
            }
        } else if pending.contains(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// A tree's entries; none for no tree.
fn tree_entries(repo: &gix::Repository, id: Option<ObjectId>) -> Result<Entries, Error> {
    let Some(id) = id else { return Ok(HashMap::new()) };
    let tree = repo.find_object(id)?.try_into_tree()?;
    let decoded = tree.decode()?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| (e.filename.to_string(), (e.mode.is_tree(), e.oid.to_owned())))
        .collect())
}
