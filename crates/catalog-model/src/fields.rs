//! The field format rules Backstage's `FieldFormatEntityPolicy` enforces, without regexes.
//!
//! Each `is_valid_*` function answers for one field; [`problem`] words a failure
//! the way Backstage does, so messages match what YAML authors already know.

/// `metadata.name`: 1 to 63 characters, alphanumeric runs separated by `-`, `_` or `.`.
pub fn is_valid_name(s: &str) -> bool {
    object_name(s, 63)
}

/// `metadata.namespace`: a DNS label, lower-case.
pub fn is_valid_namespace(s: &str) -> bool {
    dns_label(s)
}

/// `kind`: 1 to 63 characters, a letter then letters or digits.
pub fn is_valid_kind(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `apiVersion`: `[prefix/]version`, prefix a DNS subdomain, version alphanumeric (at most 63).
pub fn is_valid_api_version(s: &str) -> bool {
    let (prefix, version) = match s.split_once('/') {
        Some((p, v)) => (Some(p), v),
        None => (None, s),
    };
    prefix.is_none_or(dns_subdomain)
        && !version.is_empty()
        && version.len() <= 63
        && version.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name an object name.
pub fn is_valid_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => dns_subdomain(prefix) && object_name(name, 63),
        None => object_name(s, 63),
    }
}

/// Label values: empty, or an object name.
pub fn is_valid_label_value(s: &str) -> bool {
    s.is_empty() || object_name(s, 63)
}

/// Tags: 1 to 63 characters of `[a-z0-9+#]`, in runs separated by single `-`.
pub fn is_valid_tag(s: &str) -> bool {
    s.len() <= 63
        && !s.is_empty()
        && s.split('-').all(|run| {
            !run.is_empty()
                && run
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '#')
        })
}

/// Backstage's wording for a field that fails its rule.
pub fn problem(field: &str, expected: &str, found: &str) -> String {
    format!(
        "\"{field}\" is not valid; expected {expected} but found \"{found}\". To learn more about catalog file format, visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md"
    )
}

fn object_name(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    let alnum = |b: &u8| b.is_ascii_alphanumeric();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    !bytes.is_empty()
        && bytes.len() <= max
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(allowed)
}

fn dns_label(s: &str) -> bool {
    let lower_alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(lower_alnum)
        && s.ends_with(lower_alnum)
        && s.chars().all(|c| lower_alnum(c) || c == '-')
}

fn dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(dns_label)
}
