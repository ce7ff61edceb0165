//! The page frame: sidebar, page, header and content.

use crate::icon::Glyph;
use leptos::prelude::*;
use leptos_router::components::A;

/// The main area of a route: a header followed by content.
#[component]
pub fn Page(
    /// Header and content.
    children: Children,
) -> impl IntoView {
    view! { <div class="pt-page">{children()}</div> }
}

/// The page header: the page's `<h1>`, a subtitle, and labels or actions.
#[component]
pub fn Header(
    /// The page title (the only `<h1>` on the page).
    #[prop(into)]
    title: String,
    /// A line under the title.
    #[prop(optional, into)]
    subtitle: Option<String>,
    /// A small kicker above the title, for example the entity kind.
    #[prop(optional, into)]
    kicker: Option<String>,
    /// Labels and actions on the right.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="pt-header">
            <div class="pt-header__text">
                {kicker.map(|k| view! { <p class="pt-header__kicker">{k}</p> })}
                <h1 class="pt-header__title">{title}</h1>
                {subtitle.map(|s| view! { <p class="pt-header__subtitle">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="pt-header__aside">{c()}</div> })}
        </header>
    }
}

/// The padded area under the header.
#[component]
pub fn Content(
    /// The content.
    children: Children,
) -> impl IntoView {
    view! { <div class="pt-content">{children()}</div> }
}

/// The navigation sidebar. Collapsible; the toggle says whether it is expanded.
#[component]
pub fn Sidebar(
    /// The app's title, shown next to the logo.
    #[prop(into)]
    title: String,
    /// A logo URL for the expanded sidebar.
    #[prop(optional_no_strip)]
    logo: Option<String>,
    /// A logo URL for the collapsed sidebar.
    #[prop(optional_no_strip)]
    icon_logo: Option<String>,
    /// Width of the full logo (CSS length).
    #[prop(optional_no_strip)]
    logo_width: Option<String>,
    /// The main nav items.
    children: Children,
    /// Items kept at the bottom, after a divider (settings and the like).
    #[prop(optional)]
    footer: Option<Children>,
) -> impl IntoView {
    let collapsed = RwSignal::new(false);
    let logo_style = logo_width.map(|w| format!("width:{w}"));
    view! {
        <nav
            class="pt-sidebar"
            class:pt-sidebar--collapsed=move || collapsed.get()
            aria-label="Main"
            id="pt-sidebar"
        >
            <div class="pt-sidebar__brand">
                <a class="pt-sidebar__home" href="/">
                    {match (logo, icon_logo.clone()) {
                        (Some(src), _) => view! {
                            <img class="pt-sidebar__logo pt-sidebar__logo--full" src=src alt="" style=logo_style/>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                    {icon_logo.map(|src| view! { <img class="pt-sidebar__logo pt-sidebar__logo--icon" src=src alt=""/> })}
                    <span class="pt-sidebar__title">{title}</span>
                </a>
            </div>
            <ul class="pt-sidebar__items" role="list">{children()}</ul>
            {footer.map(|f| view! {
                <hr class="pt-sidebar__divider"/>
                <ul class="pt-sidebar__items pt-sidebar__items--footer" role="list">{f()}</ul>
            })}
            <button
                type="button"
                class="pt-sidebar__toggle"
                aria-controls="pt-sidebar"
                aria-expanded=move || (!collapsed.get()).to_string()
                on:click=move |_| collapsed.update(|c| *c = !*c)
            >
                <Glyph name="chevron-left"/>
                <span class="pt-sidebar__label">"Collapse sidebar"</span>
            </button>
        </nav>
    }
}

/// One link in the sidebar; marked `aria-current="page"` while its route is shown.
#[component]
pub fn SidebarItem(
    /// Where it goes.
    #[prop(into)]
    href: String,
    /// Its label.
    #[prop(into)]
    label: String,
    /// Its glyph name.
    #[prop(into)]
    icon: String,
    /// Only current on an exact match (for `/`).
    #[prop(optional)]
    exact: bool,
) -> impl IntoView {
    let tooltip = label.clone();
    view! {
        <li class="pt-sidebar__item">
            <A href=href exact=exact attr:class="pt-sidebar__link" attr:title=tooltip>
                <Glyph name=icon/>
                <span class="pt-sidebar__label">{label}</span>
            </A>
        </li>
    }
}
