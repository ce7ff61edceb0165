//! Paths that must stay inside the repository.
//!
//! Every path a docs author writes (`docs_dir`, `INHERIT`, `!include`, nav
//! entries, snippets, images) goes through [`inside`]: it is joined to its base,
//! normalised without touching the disk, then resolved through symlinks when it
//! exists, and refused if either form leaves the repository root.

use std::path::{Component, Path, PathBuf};

/// Joins `relative` to `base` and checks that the result is inside `root`.
/// `root` must already be canonical. Returns the canonical path when the file
/// exists, the normalised one otherwise.
pub fn inside(root: &Path, base: &Path, relative: &str) -> Result<PathBuf, String> {
    let relative = relative.trim();
    if relative.contains('\0') {
        return Err("the path contains a NUL byte".into());
    }
    let joined = if Path::new(relative).is_absolute() {
        return Err(format!(
            "`{relative}` is an absolute path; use a path relative to the repository"
        ));
    } else {
        base.join(relative)
    };
    let normal = normalise(&joined).ok_or_else(|| format!("`{relative}` leaves the repository"))?;
    if !normal.starts_with(root) {
        return Err(format!("`{relative}` leaves the repository"));
    }
    match normal.canonicalize() {
        Ok(real) if real.starts_with(root) => Ok(real),
        Ok(_) => Err(format!("`{relative}` is a symlink that leads out of the repository")),
        Err(_) => Ok(normal),
    }
}

/// Removes `.` and resolves `..` lexically; `None` when `..` climbs above the start.
pub fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// `path` relative to `root`, with `/` separators (for URLs and diagnostics).
pub fn relative_to(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("docs")).unwrap();
        assert!(inside(&root, &root, "docs").is_ok());
        assert!(inside(&root, &root.join("docs"), "../docs/./x.md").is_ok());
        assert!(inside(&root, &root, "../etc/passwd").unwrap_err().contains("leaves"));
        assert!(inside(&root, &root, "docs/../../x").unwrap_err().contains("leaves"));
        assert!(inside(&root, &root, "/etc/passwd").unwrap_err().contains("absolute"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root.join("docs/etc")).unwrap();
            assert!(inside(&root, &root, "docs/etc/passwd").unwrap_err().contains("symlink"));
        }
    }
}
