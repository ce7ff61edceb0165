//! Portico's git sources, shared by the catalog (git discovery, `url`
//! locations) and TechDocs (sites whose `techdocs-ref` is a URL).
//!
//! Modules: [`integrations`] (Backstage's `integrations` section: which hosts
//! may be read, with which token), [`fetch`] (one branch of a remote, fetched
//! with gix at depth 1 and exported to a folder), [`tree_url`] (a git host's
//! "tree" or "blob" page URL as repository, branch and path).
//!
//! Everything here blocks (network and disk): callers run it on a blocking
//! thread.

pub mod fetch;
pub mod integrations;
pub mod tree_url;

pub use fetch::{GitError, Limits, Remote, Synced, sync, tree_dir};
pub use integrations::{Credential, Integrations, ReadingAllow, host_allowed, host_of};
pub use tree_url::TreeUrl;
