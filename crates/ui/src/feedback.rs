//! Telling the user how things stand: empty states, progress, warnings, errors, status dots.

use crate::icon::Glyph;
use leptos::prelude::*;

/// What to show when there is nothing to show, and what to do about it.
#[component]
pub fn EmptyState(
    /// One line saying what is missing.
    #[prop(into)]
    title: String,
    /// Why, and what the user can do.
    #[prop(optional, into)]
    description: Option<String>,
    /// An action (a button or link), optional.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="pt-empty-state">
            <Glyph name="info" size=32/>
            <h2 class="pt-empty-state__title">{title}</h2>
            {description.map(|d| view! { <p class="pt-empty-state__description">{d}</p> })}
            {children.map(|c| view! { <div class="pt-empty-state__action">{c()}</div> })}
        </div>
    }
}

/// A progress indicator: determinate with `value` (0 to 100), indeterminate without.
#[component]
pub fn Progress(
    /// Percent done; omit while unknown.
    #[prop(optional, into)]
    value: Option<Signal<f64>>,
    /// What is loading, for screen readers.
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| "Loading".into());
    match value {
        Some(v) => view! {
            <div
                class="pt-progress"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || format!("{:.0}", v.get())
            >
                <div class="pt-progress__bar" style=move || format!("width:{:.0}%", v.get().clamp(0.0, 100.0))></div>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="pt-progress pt-progress--indeterminate" role="progressbar" aria-label=label>
                <div class="pt-progress__bar"></div>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Panel(
    kind: &'static str,
    glyph: &'static str,
    title: String,
    message: Option<String>,
    children: Option<Children>,
) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! {
        <section class=format!("pt-panel pt-panel--{kind}") role=role>
            <Glyph name=glyph/>
            <div class="pt-panel__body">
                <h2 class="pt-panel__title">{title}</h2>
                {message.map(|m| view! { <p class="pt-panel__message">{m}</p> })}
                {children.map(|c| c())}
            </div>
        </section>
    }
}

/// A warning that does not stop the page from working.
#[component]
pub fn WarningPanel(
    /// The headline.
    #[prop(into)]
    title: String,
    /// Details.
    #[prop(optional, into)]
    message: Option<String>,
    /// More content.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! { <Panel kind="warning" glyph="warning" title message children/> }
}

/// An error: something the user asked for failed.
#[component]
pub fn ErrorPanel(
    /// The headline.
    #[prop(into)]
    title: String,
    /// Details (never internals: those stay in the server log).
    #[prop(optional, into)]
    message: Option<String>,
    /// More content, for example a retry button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! { <Panel kind="error" glyph="error" title message children/> }
}

#[component]
fn Status(kind: &'static str, glyph: &'static str, children: Children) -> impl IntoView {
    view! {
        <span class=format!("pt-status pt-status--{kind}")>
            <Glyph name=glyph size=16/>
            {children()}
        </span>
    }
}

/// A healthy state, with text (colour is never the only signal).
#[component]
pub fn StatusOk(
    /// The text.
    children: Children,
) -> impl IntoView {
    view! { <Status kind="ok" glyph="ok">{children()}</Status> }
}

/// A state that needs attention.
#[component]
pub fn StatusWarning(
    /// The text.
    children: Children,
) -> impl IntoView {
    view! { <Status kind="warning" glyph="warning">{children()}</Status> }
}

/// A failed state.
#[component]
pub fn StatusError(
    /// The text.
    children: Children,
) -> impl IntoView {
    view! { <Status kind="error" glyph="error">{children()}</Status> }
}

/// A state still in progress.
#[component]
pub fn StatusPending(
    /// The text.
    children: Children,
) -> impl IntoView {
    view! { <Status kind="pending" glyph="pending">{children()}</Status> }
}
