//! Mermaid diagrams in the reader. The build leaves a ```` ```mermaid ````
//! block as its source in `<pre class="mermaid">` (Backstage's sites do the
//! same), so a page without JavaScript shows the source. On pages that have
//! one, the [`Diagrams`] island loads Mermaid (`/pkg/mermaid.min.js`, from
//! npm, served by the portal itself) and draws each block as an SVG in the
//! portal's light or dark colours; the source stays one click away under the
//! drawing, for screen readers and copying.
//!
//! Mermaid runs with `securityLevel: "strict"`: labels are sanitised and
//! click handlers are off, so a diagram cannot run script in the portal.

#![allow(missing_docs, reason = "the island macro generates undocumented props structs")]

use leptos::prelude::*;

/// Where the portal serves Mermaid (copied from npm by the WASM build).
pub(crate) const SCRIPT: &str = "/pkg/mermaid.min.js";

/// True when a page's HTML holds a diagram for [`Diagrams`] to draw.
pub(crate) fn has_diagrams(html: &str) -> bool {
    html.contains(r#"<pre class="mermaid">"#)
}

/// Draws the content's Mermaid blocks once the page has hydrated.
#[island]
pub(crate) fn Diagrams(script: String) -> impl IntoView {
    Effect::new(move |_| browser::draw(&script));
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::Element;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = mermaid, js_name = initialize)]
        fn mermaid_initialize(config: &JsValue);
        #[wasm_bindgen(js_namespace = mermaid, js_name = render, catch)]
        fn mermaid_render(id: &str, text: &str) -> Result<js_sys::Promise, JsValue>;
    }

    /// Loads Mermaid once, then draws every block.
    pub(super) fn draw(script: &str) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(found) = document.query_selector_all(".pt-docs__content pre.mermaid") else {
            return;
        };
        let blocks: Vec<Element> =
            (0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()).collect();
        if blocks.is_empty() {
            return;
        }
        let Ok(tag) = document.create_element("script") else { return };
        let _ = tag.set_attribute("src", script);
        let loaded = Closure::once_into_js(move || {
            wasm_bindgen_futures::spawn_local(draw_all(blocks));
        });
        let failed = Closure::once_into_js(move || {
            web_sys::console::warn_1(
                &"Mermaid could not be loaded; diagrams show as source".into(),
            );
        });
        let _ = tag.add_event_listener_with_callback("load", loaded.unchecked_ref());
        let _ = tag.add_event_listener_with_callback("error", failed.unchecked_ref());
        if let Some(body) = document.body() {
            let _ = body.append_child(&tag);
        }
    }

    async fn draw_all(blocks: Vec<Element>) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        mermaid_initialize(&config(&document));
        for (i, block) in blocks.into_iter().enumerate() {
            let source = block.text_content().unwrap_or_default();
            let drawn = match mermaid_render(&format!("pt-mermaid-{i}"), &source) {
                Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
                Err(e) => Err(e),
            };
            match drawn.and_then(|r| js_sys::Reflect::get(&r, &"svg".into())) {
                Ok(svg) => show(&document, &block, &svg.as_string().unwrap_or_default()),
                Err(e) => explain(&document, &block, &message(&e)),
            }
        }
    }

    /// Mermaid's settings: strict security, the portal's font, and its dark
    /// theme when the page's background is dark.
    fn config(document: &web_sys::Document) -> JsValue {
        let property = |element: &Element, name: &str| {
            web_sys::window()
                .and_then(|w| w.get_computed_style(element).ok().flatten())
                .and_then(|s| s.get_property_value(name).ok())
                .unwrap_or_default()
        };
        // The first background behind the content that is not transparent.
        let mut dark = false;
        let mut next = document.query_selector(".pt-docs__content").ok().flatten();
        while let Some(element) = next {
            if let Some(is_dark) = super::is_dark(&property(&element, "background-color")) {
                dark = is_dark;
                break;
            }
            next = element.parent_element();
        }
        let font = document.body().map(|b| property(&b, "font-family")).unwrap_or_default();
        let config = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = js_sys::Reflect::set(&config, &key.into(), &value);
        };
        set("startOnLoad", false.into());
        set("securityLevel", "strict".into());
        // A block that fails throws, without an error drawing of its own (or
        // the scratch element it would leave); `explain` says why instead.
        set("suppressErrorRendering", true.into());
        set("theme", if dark { "dark" } else { "default" }.into());
        set("fontFamily", font.into());
        config.into()
    }

    /// The drawing above the block, which folds into a "Diagram source" disclosure.
    fn show(document: &web_sys::Document, block: &Element, svg: &str) {
        let (Ok(figure), Ok(details), Ok(summary)) = (
            document.create_element("figure"),
            document.create_element("details"),
            document.create_element("summary"),
        ) else {
            return;
        };
        figure.set_class_name("pt-mermaid");
        figure.set_inner_html(svg);
        // An image in a label is decoration beside the label's text.
        if let Ok(images) = figure.query_selector_all("img:not([alt])") {
            for i in 0..images.length() {
                if let Some(image) = images.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = image.set_attribute("alt", "");
                }
            }
        }
        summary.set_text_content(Some("Diagram source"));
        let _ = block.before_with_node_1(&figure);
        let _ = figure.append_child(&details);
        let _ = details.append_child(&summary);
        let _ = details.append_child(block);
    }

    /// Why the block could not be drawn, beside its source.
    fn explain(document: &web_sys::Document, block: &Element, why: &str) {
        let Ok(note) = document.create_element("p") else { return };
        note.set_class_name("pt-mermaid__error");
        note.set_text_content(Some(&format!("This diagram cannot be drawn: {why}")));
        let _ = block.before_with_node_1(&note);
    }

    fn message(error: &JsValue) -> String {
        let text = js_sys::Reflect::get(error, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "Mermaid reported an error".into());
        // A parse error's first line says where and its last what was
        // expected; between them is the source line with a caret.
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let said = match lines[..] {
            [] => String::new(),
            [one] => one.to_owned(),
            [first, .., last] => format!("{first} {last}"),
        };
        let mut shown: String = said.chars().take(300).collect();
        if shown.len() < said.len() {
            shown.push('…');
        }
        shown
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub(super) fn draw(_: &str) {}
}

/// Whether a computed CSS colour (the browser gives the functional `rgb`
/// form, with an alpha channel when not opaque) is dark: its relative luminance (WCAG's formula) is under 0.2. `None` for a
/// transparent colour (what is behind it counts) or one that cannot be read.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "used in the browser and tests"))]
fn is_dark(colour: &str) -> Option<bool> {
    let colour = colour.trim();
    let inner = colour.strip_prefix("rgb")?;
    let inner = inner.strip_prefix('a').unwrap_or(inner).strip_prefix('(')?;
    let channels: Vec<f64> = inner
        .trim_end_matches(')')
        .split(',')
        .map(|c| c.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let (r, g, b, alpha) = match channels[..] {
        [r, g, b] => (r, g, b, 1.0),
        [r, g, b, a] => (r, g, b, a),
        _ => return None,
    };
    if alpha == 0.0 {
        return None;
    }
    let linear = |c: f64| {
        let c = c / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    Some(0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b) < 0.2)
}

#[cfg(test)]
mod tests;
