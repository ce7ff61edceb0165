//! Badges (chips) and avatars.

use leptos::prelude::*;

/// The colour role of a badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BadgeTone {
    /// Neutral information, for example a tag.
    #[default]
    Neutral,
    /// The brand colour.
    Primary,
    /// Something healthy.
    Ok,
    /// Needs attention.
    Warning,
    /// Something broken.
    Error,
}

impl BadgeTone {
    /// The BEM modifier.
    pub const fn as_str(self) -> &'static str {
        match self {
            BadgeTone::Neutral => "neutral",
            BadgeTone::Primary => "primary",
            BadgeTone::Ok => "ok",
            BadgeTone::Warning => "warning",
            BadgeTone::Error => "error",
        }
    }
}

/// A small label: a tag, a kind, a lifecycle.
#[component]
pub fn Badge(
    /// Colour role.
    #[prop(optional)]
    tone: BadgeTone,
    /// The text.
    children: Children,
) -> impl IntoView {
    view! { <span class=format!("pt-badge pt-badge--{}", tone.as_str())>{children()}</span> }
}

/// The initials shown when there is no picture: first letters of the first two words.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A person's or team's picture, or their initials.
#[component]
pub fn Avatar(
    /// Whose avatar (used for the alt text and the initials).
    #[prop(into)]
    name: String,
    /// A picture URL.
    #[prop(optional, into)]
    picture: Option<String>,
    /// Edge length in pixels.
    #[prop(optional)]
    size: Option<u16>,
) -> impl IntoView {
    let size = size.unwrap_or(40);
    let style = format!("--pt-avatar-size:{size}px");
    match picture {
        Some(src) => {
            view! { <img class="pt-avatar" style=style src=src alt=name width=size height=size/> }
                .into_any()
        }
        None => {
            let letters = initials(&name);
            view! {
                <span class="pt-avatar pt-avatar--initials" style=style role="img" aria-label=name>
                    <span aria-hidden="true">{letters}</span>
                </span>
            }
            .into_any()
        }
    }
}
