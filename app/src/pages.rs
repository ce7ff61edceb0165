//! The shell's own pages.

mod gallery;
mod home;
mod not_found;
mod settings;

pub(crate) use gallery::Gallery;
pub(crate) use home::Home;
pub(crate) use not_found::NotFound;
pub(crate) use settings::Settings;
