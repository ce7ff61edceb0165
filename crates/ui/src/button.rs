//! Buttons and links.

use leptos::prelude::*;

/// How prominent a button is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    /// The main action of a view: filled with the primary colour.
    #[default]
    Primary,
    /// Other actions: outlined.
    Secondary,
    /// Low-emphasis actions: text only.
    Subtle,
    /// Destructive actions.
    Danger,
}

impl ButtonVariant {
    /// The BEM modifier.
    pub const fn as_str(self) -> &'static str {
        match self {
            ButtonVariant::Primary => "primary",
            ButtonVariant::Secondary => "secondary",
            ButtonVariant::Subtle => "subtle",
            ButtonVariant::Danger => "danger",
        }
    }
}

/// A button. Use [`LinkButton`] when it navigates.
#[component]
pub fn Button(
    /// Emphasis.
    #[prop(optional)]
    variant: ButtonVariant,
    /// Called on click.
    #[prop(optional, into)]
    on_click: Option<Callback<()>>,
    /// Disables the button.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// `button` (default) or `submit`.
    #[prop(optional, into)]
    r#type: Option<&'static str>,
    /// An accessible name when the content is only a glyph.
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// Makes it a toggle button (`aria-pressed`), for on/off states such as a star.
    #[prop(optional, into)]
    pressed: Option<bool>,
    /// Extra classes.
    #[prop(optional, into)]
    class: Option<String>,
    /// The label.
    children: Children,
) -> impl IntoView {
    let class = format!("pt-button pt-button--{} {}", variant.as_str(), class.unwrap_or_default());
    view! {
        <button
            type=r#type.unwrap_or("button")
            class=class.trim_end().to_owned()
            disabled=disabled
            aria-label=aria_label
            aria-pressed=pressed.map(|p| p.to_string())
            on:click=move |_| {
                if let Some(cb) = on_click {
                    cb.run(());
                }
            }
        >
            {children()}
        </button>
    }
}

/// A link styled as a button.
#[component]
pub fn LinkButton(
    /// Where it goes.
    #[prop(into)]
    href: String,
    /// Emphasis.
    #[prop(optional)]
    variant: ButtonVariant,
    /// The label.
    children: Children,
) -> impl IntoView {
    view! {
        <a class=format!("pt-button pt-button--{}", variant.as_str()) href=href>
            {children()}
        </a>
    }
}

/// A link. Internal paths navigate in the app; external URLs open in a new tab
/// with `rel="noopener noreferrer"` and say so to screen readers.
#[component]
pub fn Link(
    /// Where it goes.
    #[prop(into)]
    href: String,
    /// The text.
    children: Children,
) -> impl IntoView {
    let external = href.starts_with("http://") || href.starts_with("https://");
    if external {
        view! {
            <a class="pt-link pt-link--external" href=href target="_blank" rel="noopener noreferrer">
                {children()}
                <span class="pt-visually-hidden">" (opens in a new tab)"</span>
            </a>
        }
        .into_any()
    } else {
        view! { <a class="pt-link" href=href>{children()}</a> }.into_any()
    }
}
