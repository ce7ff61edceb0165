//! What a plugin contributes: the [`Plugin`] value and its parts.

use leptos::prelude::AnyView;
use leptos_router::any_nested_route::AnyNestedRoute;
use portico_catalog_model::Entity;

/// The glyphs the shell can draw for a nav item. The design system renders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Icon {
    /// A house.
    Home,
    /// A grid of boxes: the catalog.
    Catalog,
    /// An open book: documentation.
    Docs,
    /// A plus sign: create something.
    Create,
    /// A magnifying glass.
    Search,
    /// A puzzle piece: a generic plugin.
    Extension,
    /// A gear.
    Settings,
    /// A palette: the component gallery.
    Palette,
}

impl Icon {
    /// A stable name, used as the glyph key by the design system.
    pub const fn as_str(self) -> &'static str {
        match self {
            Icon::Home => "home",
            Icon::Catalog => "catalog",
            Icon::Docs => "docs",
            Icon::Create => "create",
            Icon::Search => "search",
            Icon::Extension => "extension",
            Icon::Settings => "settings",
            Icon::Palette => "palette",
        }
    }
}

/// An entry in the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NavItem {
    /// The route it opens, starting with `/`.
    pub path: &'static str,
    /// Its visible label.
    pub label: &'static str,
    /// Its glyph.
    pub icon: Icon,
}

impl NavItem {
    /// A nav item.
    pub const fn new(path: &'static str, label: &'static str, icon: Icon) -> Self {
        Self { path, label, icon }
    }
}

/// A tab on the entity page, shown when `applies_to` holds for the entity.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct EntityTab {
    /// The URL segment after the entity path, for example `docs`.
    pub slug: &'static str,
    /// The tab label.
    pub title: &'static str,
    /// Whether this entity gets the tab (Backstage's `EntitySwitch` / `filter`).
    pub applies_to: fn(&Entity) -> bool,
    /// Renders the tab's content.
    pub view: fn(Entity) -> AnyView,
}

impl EntityTab {
    /// A tab.
    pub const fn new(
        slug: &'static str,
        title: &'static str,
        applies_to: fn(&Entity) -> bool,
        view: fn(Entity) -> AnyView,
    ) -> Self {
        Self { slug, title, applies_to, view }
    }
}

/// A card on an entity's overview tab, shown when `applies_to` holds.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct EntityCard {
    /// A stable id, unique within the plugin.
    pub id: &'static str,
    /// Whether this entity gets the card.
    pub applies_to: fn(&Entity) -> bool,
    /// Renders the card.
    pub view: fn(Entity) -> AnyView,
}

impl EntityCard {
    /// A card.
    pub const fn new(
        id: &'static str,
        applies_to: fn(&Entity) -> bool,
        view: fn(Entity) -> AnyView,
    ) -> Self {
        Self { id, applies_to, view }
    }
}

fn no_routes() -> AnyNestedRoute {
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    ().into_any_nested_route()
}

/// One plugin's contributions. Build it in a `const` with [`Plugin::new`] and the
/// builder methods; register it in the app's plugin list.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Plugin {
    /// Kebab-case, unique: the URL prefix, the `/api/<id>` mount and the config key.
    pub id: &'static str,
    /// Human-readable name.
    pub title: &'static str,
    /// Sidebar entries, in order.
    pub nav: &'static [NavItem],
    /// The plugin's pages, as type-erased Leptos routes.
    pub routes: fn() -> AnyNestedRoute,
    /// Entity-page tabs.
    pub entity_tabs: &'static [EntityTab],
    /// Entity overview cards.
    pub entity_cards: &'static [EntityCard],
    /// The server half; absent in the WASM build.
    #[cfg(feature = "ssr")]
    pub backend: Option<crate::server::Backend>,
}

impl Plugin {
    /// A plugin that contributes nothing yet.
    pub const fn new(id: &'static str, title: &'static str) -> Self {
        Self {
            id,
            title,
            nav: &[],
            routes: no_routes,
            entity_tabs: &[],
            entity_cards: &[],
            #[cfg(feature = "ssr")]
            backend: None,
        }
    }

    /// Sets the sidebar entries.
    pub const fn nav(mut self, nav: &'static [NavItem]) -> Self {
        self.nav = nav;
        self
    }

    /// Sets the routes (a function returning the plugin's `<Route>`s, type-erased).
    pub const fn routes(mut self, routes: fn() -> AnyNestedRoute) -> Self {
        self.routes = routes;
        self
    }

    /// Sets the entity-page tabs.
    pub const fn entity_tabs(mut self, tabs: &'static [EntityTab]) -> Self {
        self.entity_tabs = tabs;
        self
    }

    /// Sets the entity overview cards.
    pub const fn entity_cards(mut self, cards: &'static [EntityCard]) -> Self {
        self.entity_cards = cards;
        self
    }

    /// Sets the server half.
    #[cfg(feature = "ssr")]
    pub const fn backend(mut self, backend: crate::server::Backend) -> Self {
        self.backend = Some(backend);
        self
    }

    /// The tabs that apply to `entity`.
    pub fn tabs_for<'a>(&'a self, entity: &'a Entity) -> impl Iterator<Item = &'a EntityTab> + 'a {
        self.entity_tabs.iter().filter(move |t| (t.applies_to)(entity))
    }

    /// The cards that apply to `entity`.
    pub fn cards_for<'a>(
        &'a self,
        entity: &'a Entity,
    ) -> impl Iterator<Item = &'a EntityCard> + 'a {
        self.entity_cards.iter().filter(move |c| (c.applies_to)(entity))
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.id)
            .field("nav", &self.nav)
            .finish_non_exhaustive()
    }
}

/// Every installed plugin, as the app provides it to pages (a Leptos context),
/// so a plugin that hosts others' contributions (the catalog's entity page
/// shows every plugin's entity tabs and cards) can find them without
/// depending on the app.
#[derive(Clone, Copy, Debug)]
pub struct Registry(pub &'static [&'static Plugin]);

impl Registry {
    /// The registry of the current app; empty outside one.
    pub fn current() -> Self {
        leptos::prelude::use_context::<Registry>().unwrap_or(Registry(&[]))
    }

    /// Every plugin's tabs that apply to `entity`, in registry order.
    pub fn entity_tabs(&self, entity: &Entity) -> Vec<&'static EntityTab> {
        self.0
            .iter()
            .flat_map(|p| p.entity_tabs.iter().filter(|t| (t.applies_to)(entity)))
            .collect()
    }

    /// Every plugin's cards that apply to `entity`, in registry order.
    pub fn entity_cards(&self, entity: &Entity) -> Vec<&'static EntityCard> {
        self.0
            .iter()
            .flat_map(|p| p.entity_cards.iter().filter(|c| (c.applies_to)(entity)))
            .collect()
    }
}
