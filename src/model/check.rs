//! Checks: what a responder runs to answer a question — a curl command a person would paste, a
//! PromQL query, or a command run by hand — and what the answer must look like.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};

use super::spanned::{OrderedMap, Sp};

/// A check: exactly one of `curl`, `promql` or `run`. The first two are run by `opsbook check`;
/// `run` is shown and recorded, never executed.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Required for checks under `checks:`; optional for inline ones.
    pub id: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    /// A curl command line. Supports `{{ target }}`, `{{ request_id }}`, target vars and `$ENV`.
    pub curl: Option<Sp<String>>,
    /// A PromQL query, run as an instant query against `prometheus`.
    pub promql: Option<Sp<String>>,
    /// The target, or target var, whose URL is the Prometheus base URL (for `promql`).
    pub prometheus: Option<Sp<String>>,
    /// A command the responder runs by hand (`kubectl`, `psql`): shown, recorded, never run.
    pub run: Option<Sp<String>>,
    /// For `run`: what the reader should see in the output.
    pub look_for: Option<Sp<String>>,
    /// The request changes state (any method but GET or HEAD must say so). `opsbook check`
    /// sends it only with `--allow-mutating`.
    pub mutating: Option<Sp<bool>>,
    pub expect: Option<Sp<Expect>>,
}

/// Where an id of a check is expected: the id, or the check written inline.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum CheckRef {
    Id(String),
    Inline(Box<Check>),
}

impl<'de> Deserialize<'de> for CheckRef {
    // Hand-written instead of `untagged` so that an inline check keeps the positions of its
    // fields (serde's untagged buffering would lose them) and errors stay precise.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> Visitor<'de> for RefVisitor {
            type Value = CheckRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a check id or an inline check (`curl`, `promql` or `run`)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CheckRef, E> {
                Ok(CheckRef::Id(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CheckRef, A::Error> {
                let check = Check::deserialize(MapAccessDeserializer::new(map))?;
                Ok(CheckRef::Inline(Box::new(check)))
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

/// What the response must look like. At least one part is given. `status`, `headers` and
/// `body` are for `curl` checks; `result`, `value` and `labels` for `promql` ones.
#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub status: Option<Sp<StatusExpect>>,
    #[serde(default)]
    pub headers: OrderedMap<Sp<HeaderExpect>>,
    pub body: Option<BodyExpect>,
    /// Total time budget in milliseconds.
    pub max_time_ms: Option<Sp<u64>>,
    /// PromQL: whether the query returns any sample.
    pub result: Option<Sp<ResultExpect>>,
    /// PromQL: a comparison every sample's value must satisfy.
    pub value: Option<Sp<NumCompare>>,
    /// PromQL: labels (exact values) that at least one sample carries.
    #[serde(default)]
    pub labels: OrderedMap<Sp<String>>,
}

/// `result: empty` or `result: non-empty`.
#[derive(Clone, Copy, Debug, serde::Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ResultExpect {
    Empty,
    NonEmpty,
}

/// `200`, `[200, 204]` or `"2xx"`.
#[derive(Clone, Debug, serde::Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum StatusExpect {
    Code(u16),
    AnyOf(Vec<u16>),
    Class(String),
}

/// An exact value, or a rule.
#[derive(Clone, Debug, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum HeaderExpect {
    Exact(String),
    Rule(HeaderRule),
}

impl<'de> Deserialize<'de> for HeaderExpect {
    // Hand-written so that `content-length: 0` or `x-cache: true` mean the header's text, the
    // way a person reads them, instead of a type error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeaderVisitor;
        impl<'de> Visitor<'de> for HeaderVisitor {
            type Value = HeaderExpect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a header value, or {contains, matches, absent}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<HeaderExpect, E> {
                Ok(HeaderExpect::Exact(v.to_owned()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<HeaderExpect, E> {
                Ok(HeaderExpect::Exact(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<HeaderExpect, E> {
                Ok(HeaderExpect::Exact(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<HeaderExpect, E> {
                Ok(HeaderExpect::Exact(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<HeaderExpect, E> {
                Ok(HeaderExpect::Exact(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HeaderExpect, A::Error> {
                HeaderRule::deserialize(MapAccessDeserializer::new(map)).map(HeaderExpect::Rule)
            }
        }
        deserializer.deserialize_any(HeaderVisitor)
    }
}

#[derive(Clone, Debug, serde::Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeaderRule {
    pub contains: Option<String>,
    pub matches: Option<String>,
    pub absent: Option<bool>,
}

#[derive(Debug, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyExpect {
    pub contains: Option<Sp<String>>,
    pub matches: Option<Sp<String>>,
    /// JSON pointer → a value, or a numeric comparison.
    #[serde(default)]
    pub json: OrderedMap<Sp<JsonExpect>>,
}

/// A JSON value to equal, or numeric comparisons. Numbers held in JSON strings compare as numbers.
#[derive(Clone, Debug, serde::Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum JsonExpect {
    Compare(NumCompare),
    Equals(serde_json::Value),
}

#[derive(Clone, Debug, Default, serde::Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NumCompare {
    pub lt: Option<f64>,
    #[serde(alias = "le")]
    pub lte: Option<f64>,
    pub gt: Option<f64>,
    #[serde(alias = "ge")]
    pub gte: Option<f64>,
    pub eq: Option<f64>,
    pub ne: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_written_as_numbers_or_booleans_are_text() {
        let yaml = "headers: {content-length: 0, x-cache: true, x-b: {contains: q}}\n";
        let expect: Expect = crate::load::from_str(yaml).expect("parses");
        let got: Vec<HeaderExpect> = expect
            .headers
            .iter()
            .map(|(_, v)| v.value.clone())
            .collect();
        assert_eq!(got[0], HeaderExpect::Exact("0".into()));
        assert_eq!(got[1], HeaderExpect::Exact("true".into()));
        assert!(matches!(&got[2], HeaderExpect::Rule(r) if r.contains.as_deref() == Some("q")));
    }
}
