//! `${VAR}` substitution inside string values, as Backstage does it.
//!
//! `$${X}` escapes to a literal `${X}`. A value that names a variable which is
//! not set becomes undefined (the key is dropped), which is Backstage's rule; the
//! loader reports it so the operator is not left guessing.

/// The outcome of substituting one string.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Substituted {
    /// The new text (possibly unchanged).
    Text(String),
    /// A variable was not set: the whole value is undefined.
    Missing(String),
}

/// Replaces every `${NAME}` in `input` using `lookup`.
pub(crate) fn substitute(input: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Substituted {
    if !input.contains("${") {
        return Substituted::Text(input.to_owned());
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(escaped) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = escaped;
        } else if let Some(open) = tail.strip_prefix("${") {
            match open.find('}') {
                Some(end) => {
                    let name = open[..end].trim();
                    match lookup(name) {
                        Some(value) => out.push_str(&value),
                        None => return Substituted::Missing(name.to_owned()),
                    }
                    rest = &open[end + 1..];
                }
                None => {
                    // An unterminated `${` is literal text, not an error.
                    out.push_str(tail);
                    rest = "";
                }
            }
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Substituted::Text(out)
}
