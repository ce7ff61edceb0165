//! Portico's design system: the components plugins build their pages from.
//!
//! Layering: `theme` and `icon` at the bottom, then small atoms (`button`,
//! `badge`, `status`), then composite components (`table`, `tabs`, `dialog`,
//! `card`), then `layout` (page, header, sidebar). Components know nothing of
//! entities or plugins.
//!
//! Styling: every component has BEM class names with the `pt-` prefix
//! (`pt-button`, `pt-button--primary`) styled in `style/components.css`, which
//! reads design tokens (`var(--pt-...)`) only. A theme is a CSS file that sets
//! the tokens; see `style/tokens.css` and `style/themes/dark.css`.
//!
//! Every component renders the same markup on the server and in the browser, so
//! pages hydrate without mismatches. Where a component needs the browser (focus,
//! clipboard, `<dialog>`), that code runs only after hydration.

#![warn(missing_docs)]

pub mod badge;
pub mod button;
pub mod card;
pub mod code;
pub mod dialog;
pub mod feedback;
pub mod form;
pub mod highlight;
pub mod icon;
pub mod layout;
pub mod markdown;
pub mod table;
pub mod tabs;
pub mod theme;

/// Everything a page usually needs, in one import.
pub mod prelude {
    pub use crate::badge::{Avatar, Badge, BadgeTone};
    pub use crate::button::{Button, ButtonVariant, Link, LinkButton};
    pub use crate::card::InfoCard;
    pub use crate::code::CodeSnippet;
    pub use crate::dialog::Dialog;
    pub use crate::feedback::{
        EmptyState, ErrorPanel, Progress, StatusError, StatusOk, StatusPending, StatusWarning,
        WarningPanel,
    };
    pub use crate::form::SubmitInFull;
    pub use crate::icon::Glyph;
    pub use crate::layout::{Content, FilterPanel, Header, Page, Sidebar, SidebarItem};
    pub use crate::markdown::{MarkdownContent, SafeHtml};
    pub use crate::table::{Pagination, SortDir, Table, TableColumn, breakable_ref};
    pub use crate::tabs::{Tab, Tabs};
    pub use crate::theme::ThemeMode;
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
