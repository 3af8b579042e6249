//! What the fuzzer sends: values for a schema, on both sides of its
//! limits, hostile and of other types, and whether the document allows
//! each.

use super::super::schema::{check, resolved};
use super::Fuzz;
use serde_json::{json, Value};

/// Text no field should take as it is, each sent after a unique prefix.
const HOSTILE: &[&str] = &[
    "\0",
    "a\0b",
    "\u{1}",
    "\t",
    "line\nbreak",
    "\u{7F}",
    "\u{85}",
    "\u{202E}gnp.exe",
    "ad\u{200B}min",
    "\u{FEFF}",
    "tag\u{E0041}",
    "é",
    "東京",
    "💥",
    "O'Brien",
    "x%_\\",
    "'; DROP TABLE teams; --",
    "../../etc",
    "<script>alert(1)</script>",
    "a,b",
    "${jndi:ldap://x}",
    "\u{FFFD}",
];

/// Longer than any limit, shorter than the body limit.
const OVERLONG: usize = 10_000;

/// Whether the document can say if `value` of `property` is allowed (see
/// the module's comment).
pub(super) fn decidable(path: &str, property: &str, value: &Value) -> bool {
    let reference = property.ends_with("_id") && value.is_i64();
    let address = path.starts_with("/repositories")
        && property == "name"
        && value.as_str().is_some_and(|v| v.contains(':'));
    !(reference || address)
}

impl Fuzz<'_> {
    pub(super) fn unique(&mut self) -> String {
        self.seq += 1;
        format!("{}", self.seq)
    }

    /// Whether `value` keeps `schema` (with a `regex` format compiled as the
    /// server compiles patterns).
    pub(super) fn allows(&self, value: &Value, schema: &Value) -> bool {
        let schema = resolved(schema, &self.doc);
        if check(value, schema, &self.doc, "").is_err() {
            return false;
        }
        match (schema["format"].as_str(), value.as_str()) {
            (Some("regex"), Some(text)) => regex::RegexBuilder::new(text.trim())
                .case_insensitive(true)
                .build()
                .is_ok(),
            _ => true,
        }
    }

    /// Text for a string `schema` at `at`: empty, at its longest and one
    /// past it, over-long, hostile.
    fn texts(&mut self, schema: &Value, at: &str) -> Vec<String> {
        let Some(max) = schema["maxLength"].as_u64() else {
            self.findings
                .push(format!("{at}: a string without a documented maxLength"));
            return Vec::new();
        };
        let mut out = vec![String::new()];
        for length in [max, max + 1] {
            let stem = self.unique();
            let pad = (length as usize).saturating_sub(stem.len());
            out.push(format!("{stem}{}", "a".repeat(pad)));
        }
        out.push("a".repeat(OVERLONG));
        // Inside the text: leading and trailing white space is trimmed.
        for hostile in HOSTILE {
            out.push(format!("{}{hostile}z", self.unique()));
        }
        out
    }

    /// Values for a property or parameter of `schema` at `at`: its bounds
    /// either side, hostile ones, other types.
    pub(super) fn values(&mut self, schema: &Value, at: &str) -> Vec<Value> {
        let schema = resolved(schema, &self.doc).clone();
        let types: Vec<String> = match &schema["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut values: Vec<Value> = Vec::new();
        if types.iter().any(|t| t == "string") {
            if let Some(options) = schema["enum"].as_array() {
                values.extend(options.iter().cloned());
                values.push(json!("bogus"));
            } else {
                values.extend(self.texts(&schema, at).into_iter().map(Value::from));
            }
            values.extend([json!(1), json!(true), json!({}), json!([])]);
        }
        if types.iter().any(|t| t == "integer") {
            for bound in [&schema["minimum"], &schema["maximum"]] {
                if let Some(n) = bound.as_i64() {
                    values.extend([json!(n - 1), json!(n), json!(n + 1)]);
                }
            }
            values.extend([
                json!(-1),
                json!(0),
                json!(1),
                json!(2_147_483_648_u64),
                json!(i64::MAX),
                json!(i64::MAX as u64 + 1),
                json!(u64::MAX),
                json!(1.5),
                json!("1"),
            ]);
        }
        if types.iter().any(|t| t == "boolean") {
            values.extend([json!(true), json!(false), json!("yes")]);
        }
        if types.iter().any(|t| t == "array") {
            let items = schema["items"].clone();
            let max = schema["maxItems"].as_u64().unwrap_or_else(|| {
                self.findings
                    .push(format!("{at}: an array without a documented maxItems"));
                0
            });
            values.push(json!([]));
            for count in [max, max + 1] {
                let many: Vec<Value> = (0..count).map(|_| json!(self.unique())).collect();
                values.push(Value::Array(many));
            }
            for text in self.texts(&resolved(&items, &self.doc).clone(), &format!("{at}[]")) {
                values.push(json!([text]));
            }
            values.extend([json!("x"), json!([1]), json!({})]);
        }
        values
    }

    /// Whether the document allows `value` of `property` at `path`, when
    /// it can say.
    pub(super) fn verdict(
        &self,
        path: &str,
        property: &str,
        value: &Value,
        schema: &Value,
    ) -> Option<bool> {
        decidable(path, property, value).then(|| self.allows(value, schema))
    }
}
