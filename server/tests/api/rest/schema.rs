//! The subset of JSON Schema the OpenAPI document uses, checked against a
//! value: the answers' shapes (`conformance.rs`) and the limits inputs
//! must keep (`fuzz.rs`).

use regex::Regex;
use serde_json::Value;

/// Checks `value` against `schema` (the subset of JSON Schema the document
/// uses), naming the first mismatch. A property no schema documents is a
/// mismatch too.
pub fn check(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    check_in(value, schema, doc, at, true)
}

/// `schema`, or the schema its `$ref` names.
pub fn resolved<'a>(schema: &'a Value, doc: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            resolved(&doc["components"]["schemas"][name], doc)
        }
        None => schema,
    }
}

/// The properties `schema` documents for `value`: its own, every `allOf`
/// part's, and those of the `oneOf` branch `value` matches.
fn documented(value: &Value, schema: &Value, doc: &Value) -> Vec<String> {
    let schema = resolved(schema, doc);
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(documented(value, part, doc));
    }
    for branch in schema["oneOf"].as_array().into_iter().flatten() {
        if check_in(value, branch, doc, "", false).is_ok() {
            names.extend(documented(value, branch, doc));
        }
    }
    names
}

/// [`check`]; `strict`: a property no schema documents is a mismatch (off
/// inside an `allOf`, whose parts each document some of the properties).
fn check_in(
    value: &Value,
    schema: &Value,
    doc: &Value,
    at: &str,
    strict: bool,
) -> Result<(), String> {
    let schema = resolved(schema, doc);
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            check_in(value, part, doc, at, false)?;
        }
        if let (true, Some(object)) = (strict, value.as_object()) {
            let names = documented(value, schema, doc);
            if let Some(name) = object.keys().find(|k| !names.contains(k)) {
                return Err(format!("{at}: {name} is not documented"));
            }
        }
    }
    if let Some(branches) = schema["oneOf"].as_array() {
        let matching = branches
            .iter()
            .filter(|branch| check_in(value, branch, doc, at, strict).is_ok())
            .count();
        if matching != 1 {
            return Err(format!(
                "{at}: {value} matches {matching} of the {} schemas it may be",
                branches.len()
            ));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = types.is_empty()
        || types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
    if !type_ok {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    limits(value, schema).map_err(|e| format!("{at}: {e}"))?;
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                return Err(format!("{at}: missing {name} in {value}"));
            }
        }
        for (name, property) in object {
            match schema["properties"].get(name) {
                Some(sub) => check(property, sub, doc, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"].is_object() => check(
                    property,
                    &schema["additionalProperties"],
                    doc,
                    &format!("{at}.{name}"),
                )?,
                None if strict && schema["properties"].is_object() => {
                    return Err(format!("{at}: {name} is not documented"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item, schema, doc, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The limits of `schema` a `value` of its type must keep: lengths and a
/// pattern for strings, bounds for integers, a size for arrays.
fn limits(value: &Value, schema: &Value) -> Result<(), String> {
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|min| length < min) {
            return Err(format!("{length} characters, fewer than minLength"));
        }
        if schema["maxLength"].as_u64().is_some_and(|max| length > max) {
            return Err(format!("{length} characters, more than maxLength"));
        }
        if let Some(pattern) = schema["pattern"].as_str() {
            let pattern = Regex::new(pattern).map_err(|e| format!("pattern {pattern}: {e}"))?;
            if !pattern.is_match(text) {
                return Err(format!("{text:?} does not match the pattern"));
            }
        }
    }
    if value.is_number() {
        let Some(n) = value
            .as_i64()
            .map(i128::from)
            .or(value.as_u64().map(i128::from))
        else {
            return Err(format!("{value} is no integer"));
        };
        if schema["format"] == "int64" && i64::try_from(n).is_err() {
            return Err(format!("{n} is beyond int64"));
        }
        if schema["minimum"]
            .as_i64()
            .is_some_and(|min| n < i128::from(min))
        {
            return Err(format!("{n} is below the minimum"));
        }
        if schema["maximum"]
            .as_u64()
            .is_some_and(|max| n > i128::from(max))
        {
            return Err(format!("{n} is above the maximum"));
        }
    }
    if let Some(items) = value.as_array() {
        if schema["maxItems"]
            .as_u64()
            .is_some_and(|max| items.len() as u64 > max)
        {
            return Err(format!("{} items, more than maxItems", items.len()));
        }
    }
    Ok(())
}
