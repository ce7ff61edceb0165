//! Links with query strings, as plugins' pages build them (their filters
//! live in the URL, so a view can be shared). Wasm-safe.

/// What a query component keeps as is: RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes a URL query component (a key or a value).
pub fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// `path?k=v&…` with every key and value encoded; `path` alone when there
/// are no pairs.
pub fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_are_percent_encoded() {
        assert_eq!(encode_component("a b&c=d/é-_.~"), "a%20b%26c%3Dd%2F%C3%A9-_.~");
        assert_eq!(encode_component("filters[kind]"), "filters%5Bkind%5D");
        assert_eq!(with_query("/search", &[]), "/search");
        assert_eq!(
            with_query("/search", &[("term".into(), "a&b".into()), ("page".into(), "2".into())]),
            "/search?term=a%26b&page=2"
        );
    }
}
