//! Telling dark backgrounds from light ones, and which pages load Mermaid.

use super::{has_diagrams, is_dark};

#[test]
fn dark_backgrounds_are_told_from_light_ones() {
    assert_eq!(is_dark("rgb(17, 24, 39)"), Some(true));
    assert_eq!(is_dark("rgba(0, 0, 0, 1)"), Some(true));
    assert_eq!(is_dark("rgb(255, 255, 255)"), Some(false));
    assert_eq!(is_dark("rgb(243, 244, 246)"), Some(false));
    // Transparent (what the browser computes for no background): look behind.
    assert_eq!(is_dark("rgba(0, 0, 0, 0)"), None);
    assert_eq!(is_dark("transparent"), None);
    assert_eq!(is_dark(""), None);
    assert_eq!(is_dark("rgb(1, 2)"), None);
    assert_eq!(is_dark("rgb(a, b, c)"), None);
}

#[test]
fn only_pages_with_a_mermaid_block_load_mermaid() {
    assert!(has_diagrams(r#"<p>x</p><pre class="mermaid"><code>graph TD</code></pre>"#));
    assert!(!has_diagrams(r#"<pre><code class="language-rust">mermaid</code></pre>"#));
    assert!(!has_diagrams("<p>class=\"mermaid\" in prose</p>"));
}
