//! Backstage's filter predicates (`@backstage/filter-predicates`), the JSON
//! queries of `POST /entities/by-query`, `POST /entity-facets`,
//! `POST /entities/by-refs` and `POST /locations/by-query`:
//!
//! ```json
//! {"$all": [{"kind": "component"}, {"$not": {"spec.lifecycle": {"$in": ["experimental"]}}},
//!           {"metadata.tags": {"$contains": "java"}}, {"metadata.name": {"$hasPrefix": "pay"}}]}
//! ```
//!
//! A predicate becomes the same [`Filter`] the `filter` parameter gives (an
//! OR of ANDs over the filter index), with `$not` pushed down to single
//! statements, so both languages share one SQL translation and one in-memory
//! evaluation. Matching is case-insensitive, as for `filter`.

use super::query::{Filter, QueryError, Statement, Test};
use serde_json::Value;

/// Deepest nesting of `$all`/`$any`/`$not` accepted.
const MAX_DEPTH: usize = 16;
/// Most alternatives the OR of ANDs may have once `$any`s inside `$all`s
/// are multiplied out; a query past it is refused, not run slowly.
const MAX_ALTERNATIVES: usize = 64;
/// Most statements over all alternatives.
const MAX_STATEMENTS: usize = 512;
/// Most values in one `$in`.
const MAX_VALUES: usize = 1000;

/// Parses a predicate. `{}` selects everything.
pub(crate) fn parse(predicate: &Value) -> Result<Filter, QueryError> {
    let alternatives = dnf(predicate, false, 0)?;
    // An alternative without statements is always true, and so is the filter.
    if alternatives.iter().any(Vec::is_empty) {
        return Ok(Filter::default());
    }
    Ok(Filter { any_of: alternatives })
}

fn invalid(message: impl std::fmt::Display) -> QueryError {
    QueryError(format!("Invalid query predicate: {message}"))
}

/// The predicate (negated when `negate`) as an OR of ANDs.
fn dnf(predicate: &Value, negate: bool, depth: usize) -> Result<Vec<Vec<Statement>>, QueryError> {
    if depth > MAX_DEPTH {
        return Err(invalid(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    let Value::Object(map) = predicate else {
        return Err(invalid(format!("expected an object, got {}", kind_of(predicate))));
    };
    if let Some((op, _)) = map.iter().find(|(k, _)| k.starts_with('$'))
        && map.len() > 1
    {
        return Err(invalid(format!("{op} must be the only key of its object")));
    }
    let mut parts = Vec::new();
    for (key, value) in map {
        let part = match key.as_str() {
            "$all" | "$any" => {
                let list = operands(key, value)?;
                let each: Vec<_> =
                    list.iter().map(|p| dnf(p, negate, depth + 1)).collect::<Result<_, _>>()?;
                // De Morgan: a negated $all is an $any of the negations, and back.
                if (key == "$all") != negate { and(each)? } else { or(each)? }
            }
            "$not" => dnf(value, !negate, depth + 1)?,
            op if op.starts_with('$') => {
                return Err(invalid(format!("unknown operator {op}; expected $all, $any or $not")));
            }
            field => {
                let mut statement = statement(field, value)?;
                statement.negated ^= negate;
                vec![vec![statement]]
            }
        };
        parts.push(part);
    }
    // Several fields in one object must all hold; under a negation, any may fail.
    if negate && parts.len() > 1 { or(parts) } else { and(parts) }
}

fn operands<'a>(op: &str, value: &'a Value) -> Result<&'a Vec<Value>, QueryError> {
    match value {
        Value::Array(list) if !list.is_empty() => Ok(list),
        Value::Array(_) => Err(invalid(format!("{op} needs at least one predicate"))),
        other => Err(invalid(format!("{op} expects a list, got {}", kind_of(other)))),
    }
}

/// Every alternative of every part at once (the product).
fn and(parts: Vec<Vec<Vec<Statement>>>) -> Result<Vec<Vec<Statement>>, QueryError> {
    let mut out: Vec<Vec<Statement>> = vec![Vec::new()];
    for part in parts {
        if out.len().saturating_mul(part.len()) > MAX_ALTERNATIVES {
            return Err(too_complex());
        }
        out = out
            .iter()
            .flat_map(|left| {
                part.iter().map(move |right| left.iter().chain(right).cloned().collect())
            })
            .collect();
        if out.iter().map(Vec::len).sum::<usize>() > MAX_STATEMENTS {
            return Err(too_complex());
        }
    }
    Ok(out)
}

/// Any alternative of any part.
fn or(parts: Vec<Vec<Vec<Statement>>>) -> Result<Vec<Vec<Statement>>, QueryError> {
    let out: Vec<Vec<Statement>> = parts.into_iter().flatten().collect();
    if out.len() > MAX_ALTERNATIVES || out.iter().map(Vec::len).sum::<usize>() > MAX_STATEMENTS {
        return Err(too_complex());
    }
    Ok(out)
}

fn too_complex() -> QueryError {
    invalid(format!(
        "too complex: it expands to more than {MAX_ALTERNATIVES} alternatives or {MAX_STATEMENTS} conditions"
    ))
}

/// One field's test: a value, or `{$exists}`, `{$in}`, `{$hasPrefix}`, `{$contains}`.
fn statement(field: &str, value: &Value) -> Result<Statement, QueryError> {
    if field.is_empty() || field.len() > 200 || field.contains(char::is_whitespace) {
        return Err(invalid(format!("\"{}\" is not a field path", cut(field))));
    }
    let Value::Object(matcher) = value else {
        return Ok(Statement::one_of(field, [primitive(field, value)?]));
    };
    let mut entries = matcher.iter();
    let (Some((op, operand)), None) = (entries.next(), entries.next()) else {
        return Err(invalid(format!("the value of {field} must have exactly one operator")));
    };
    match op.as_str() {
        "$exists" => match operand {
            Value::Bool(exists) => Ok(Statement { negated: !exists, ..Statement::exists(field) }),
            other => Err(invalid(format!("$exists takes true or false, got {}", kind_of(other)))),
        },
        "$in" => {
            let Value::Array(values) = operand else {
                return Err(invalid(format!("$in takes a list, got {}", kind_of(operand))));
            };
            if values.len() > MAX_VALUES {
                return Err(invalid(format!("$in takes at most {MAX_VALUES} values")));
            }
            let values =
                values.iter().map(|v| primitive(field, v)).collect::<Result<Vec<_>, _>>()?;
            Ok(Statement::one_of(field, values))
        }
        "$hasPrefix" => match operand {
            Value::String(prefix) => Ok(Statement {
                test: Test::Prefix(prefix.to_lowercase()),
                ..Statement::exists(field)
            }),
            other => Err(invalid(format!("$hasPrefix takes a string, got {}", kind_of(other)))),
        },
        "$contains" => contains(field, operand),
        other => Err(invalid(format!(
            "unknown operator {other} for {field}; expected $exists, $in, $hasPrefix or $contains"
        ))),
    }
}

/// `$contains`: an array holding a value (`{"metadata.tags": {"$contains": "java"}}`),
/// or a relation (`{"relations": {"$contains": {"type": "ownedBy", "targetRef": "group:default/a"}}}`),
/// which the filter index keeps as `relations.<type>`.
fn contains(field: &str, operand: &Value) -> Result<Statement, QueryError> {
    match operand {
        Value::Object(relation) if field.eq_ignore_ascii_case("relations") => {
            let text = |key: &str| relation.get(key).and_then(Value::as_str);
            match (text("type"), text("targetRef"), relation.len()) {
                (Some(kind), Some(target), 2) => {
                    Ok(Statement::one_of(&format!("relations.{kind}"), [target.to_owned()]))
                }
                _ => Err(invalid("$contains on relations takes {type, targetRef}")),
            }
        }
        Value::Object(_) => Err(invalid(format!(
            "$contains on {field} takes a value; objects are matched on relations only"
        ))),
        value => Ok(Statement::one_of(field, [primitive(field, value)?])),
    }
}

/// A string, number or boolean, as the filter index holds it.
fn primitive(field: &str, value: &Value) -> Result<String, QueryError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(invalid(format!(
            "the value of {field} must be a string, number or boolean, got {}",
            kind_of(other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// The filter a predicate gives, one alternative per line (`!` = negated),
    /// or its error.
    fn check(predicate: &str, expected: Expect) {
        let value: Value = serde_json::from_str(predicate).expect("test JSON");
        let shown = match parse(&value) {
            Ok(filter) if filter.any_of.is_empty() => "everything".to_owned(),
            Ok(filter) => filter
                .any_of
                .iter()
                .map(|all| {
                    all.iter()
                        .map(|s| {
                            let test = match &s.test {
                                Test::Exists => "exists".to_owned(),
                                Test::OneOf(v) => format!("in {v:?}"),
                                Test::Prefix(p) => format!("prefix {p:?}"),
                            };
                            format!("{}{} {test}", if s.negated { "!" } else { "" }, s.key)
                        })
                        .collect::<Vec<_>>()
                        .join(" & ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => e.0,
        };
        expected.assert_eq(&shown);
    }

    #[test]
    fn fields_values_and_matchers() {
        check(r#"{}"#, expect!["everything"]);
        check(r#"{"kind": "Component"}"#, expect![[r#"kind in ["component"]"#]]);
        check(
            r#"{"kind": "component", "spec.type": "service"}"#,
            expect![[r#"kind in ["component"] & spec.type in ["service"]"#]],
        );
        check(
            r#"{"spec.lifecycle": {"$in": ["production", "Experimental"]}}"#,
            expect![[r#"spec.lifecycle in ["production", "experimental"]"#]],
        );
        check(r#"{"spec.owner": {"$exists": true}}"#, expect!["spec.owner exists"]);
        check(r#"{"spec.owner": {"$exists": false}}"#, expect!["!spec.owner exists"]);
        check(
            r#"{"metadata.name": {"$hasPrefix": "Pay"}}"#,
            expect![[r#"metadata.name prefix "pay""#]],
        );
        check(
            r#"{"metadata.tags": {"$contains": "java"}}"#,
            expect![[r#"metadata.tags in ["java"]"#]],
        );
        check(
            r#"{"relations": {"$contains": {"type": "ownedBy", "targetRef": "group:default/team-a"}}}"#,
            expect![[r#"relations.ownedby in ["group:default/team-a"]"#]],
        );
        check(
            r#"{"spec.replicas": 3, "spec.public": true}"#,
            expect![[r#"spec.public in ["true"] & spec.replicas in ["3"]"#]],
        );
    }

    #[test]
    fn all_any_and_not_become_an_or_of_ands() {
        check(
            r#"{"$any": [{"kind": "user"}, {"$all": [{"kind": "group"}, {"spec.type": {"$exists": true}}]}]}"#,
            expect![[r#"
                kind in ["user"]
                kind in ["group"] & spec.type exists"#]],
        );
        check(
            r#"{"$all": [{"$any": [{"kind": "api"}, {"kind": "component"}]}, {"$any": [{"spec.lifecycle": "production"}, {"spec.type": "service"}]}]}"#,
            expect![[r#"
                kind in ["api"] & spec.lifecycle in ["production"]
                kind in ["api"] & spec.type in ["service"]
                kind in ["component"] & spec.lifecycle in ["production"]
                kind in ["component"] & spec.type in ["service"]"#]],
        );
        // De Morgan, twice.
        check(
            r#"{"$not": {"$all": [{"kind": "component"}, {"$not": {"spec.type": "service"}}]}}"#,
            expect![[r#"
                !kind in ["component"]
                spec.type in ["service"]"#]],
        );
        check(
            r#"{"$not": {"kind": "component", "spec.owner": {"$exists": false}}}"#,
            expect![[r#"
                !kind in ["component"]
                spec.owner exists"#]],
        );
        check(r#"{"$not": {"$not": {"kind": "api"}}}"#, expect![[r#"kind in ["api"]"#]]);
    }

    #[test]
    fn bad_predicates_say_what_is_wrong() {
        check(r#"[]"#, expect!["Invalid query predicate: expected an object, got a list"]);
        check(r#""kind""#, expect!["Invalid query predicate: expected an object, got a string"]);
        check(
            r#"{"$all": []}"#,
            expect!["Invalid query predicate: $all needs at least one predicate"],
        );
        check(
            r#"{"$any": {"kind": "api"}}"#,
            expect!["Invalid query predicate: $any expects a list, got an object"],
        );
        check(
            r#"{"$all": [{"kind": "api"}], "kind": "api"}"#,
            expect!["Invalid query predicate: $all must be the only key of its object"],
        );
        check(
            r#"{"$or": [{"kind": "api"}]}"#,
            expect!["Invalid query predicate: unknown operator $or; expected $all, $any or $not"],
        );
        check(
            r#"{"kind": {"$regex": ".*"}}"#,
            expect![
                "Invalid query predicate: unknown operator $regex for kind; expected $exists, $in, $hasPrefix or $contains"
            ],
        );
        check(
            r#"{"kind": {"$in": "api"}}"#,
            expect!["Invalid query predicate: $in takes a list, got a string"],
        );
        check(
            r#"{"kind": {"$in": [null]}}"#,
            expect![
                "Invalid query predicate: the value of kind must be a string, number or boolean, got null"
            ],
        );
        check(
            r#"{"kind": {"$exists": "yes"}}"#,
            expect!["Invalid query predicate: $exists takes true or false, got a string"],
        );
        check(
            r#"{"kind": {}}"#,
            expect!["Invalid query predicate: the value of kind must have exactly one operator"],
        );
        check(
            r#"{"kind": {"$in": ["a"], "$exists": true}}"#,
            expect!["Invalid query predicate: the value of kind must have exactly one operator"],
        );
        check(
            r#"{"metadata name": "x"}"#,
            expect![[r#"Invalid query predicate: "metadata name" is not a field path"#]],
        );
        check(r#"{"": "x"}"#, expect![[r#"Invalid query predicate: "" is not a field path"#]]);
        check(
            r#"{"spec": {"$contains": {"a": 1}}}"#,
            expect![
                "Invalid query predicate: $contains on spec takes a value; objects are matched on relations only"
            ],
        );
        check(
            r#"{"relations": {"$contains": {"type": "ownedBy"}}}"#,
            expect!["Invalid query predicate: $contains on relations takes {type, targetRef}"],
        );
    }

    #[test]
    fn hostile_predicates_are_refused_not_expanded() {
        let deep = format!("{}{{\"kind\": \"api\"}}{}", "{\"$not\": ".repeat(40), "}".repeat(40));
        check(&deep, expect!["Invalid query predicate: nested deeper than 16 levels"]);
        // Ten $any of two in an $all would be 1,024 alternatives.
        let pair = r#"{"$any": [{"kind": "a"}, {"kind": "b"}]}"#;
        let product = format!(r#"{{"$all": [{}]}}"#, [pair; 10].join(", "));
        check(
            &product,
            expect![
                "Invalid query predicate: too complex: it expands to more than 64 alternatives or 512 conditions"
            ],
        );
        let many: Vec<String> = (0..1001).map(|i| format!("\"v{i}\"")).collect();
        check(
            &format!(r#"{{"kind": {{"$in": [{}]}}}}"#, many.join(",")),
            expect!["Invalid query predicate: $in takes at most 1000 values"],
        );
    }
}
