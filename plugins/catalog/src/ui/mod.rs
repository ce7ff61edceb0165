//! The catalog pages: the index ([`index`]), the entity page with its graph
//! ([`entity`]), registering an existing component ([`import`]) and the
//! processing problems ([`problems`]).

mod entity;
mod import;
mod index;
mod problems;

pub(crate) use entity::EntityView;
pub(crate) use import::ImportPage;
pub(crate) use index::CatalogIndex;
pub(crate) use problems::ProblemsPage;
