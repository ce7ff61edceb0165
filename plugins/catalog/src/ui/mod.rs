//! The catalog pages.

mod index;

pub(crate) use index::CatalogIndex;
