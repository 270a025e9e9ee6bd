//! A serde `Deserializer` over the position-carrying tree: YAML 1.2 core-schema scalars, and
//! structs that skip (and record) keys they do not have, so one typo does not hide the file.

use std::cell::RefCell;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};

use super::error::{Error, Finding};
use super::scalar::{Resolved, resolve};
use super::tree::{Entry, Kind, Node};
use crate::model::spanned::{SPAN_MARKER, pack_pos};

/// What one deserialization pass collects besides its result: the unknown fields it skipped.
#[derive(Default)]
pub struct Ctx {
    pub findings: RefCell<Vec<Finding>>,
}

/// Deserializes one node; errors leaving it carry its position.
#[derive(Clone, Copy)]
pub struct De<'n, 'a> {
    node: &'n Node<'a>,
    ctx: &'n Ctx,
}

impl<'n, 'a> De<'n, 'a> {
    pub fn new(node: &'n Node<'a>, ctx: &'n Ctx) -> Self {
        De { node, ctx }
    }
}

impl<'n, 'a> De<'n, 'a> {
    fn is_null(&self) -> bool {
        matches!(&self.node.kind, Kind::Scalar { text, plain: true } if matches!(resolve(text), Resolved::Null))
    }

    /// The node as serde names it in a type error.
    fn unexpected(&self) -> Unexpected<'n> {
        match &self.node.kind {
            Kind::Seq(_) => Unexpected::Seq,
            Kind::Map(_) => Unexpected::Map,
            Kind::Scalar { text, plain: false } => Unexpected::Str(text),
            Kind::Scalar { text, plain: true } => match resolve(text) {
                Resolved::Null => Unexpected::Unit,
                Resolved::Bool(b) => Unexpected::Bool(b),
                Resolved::Unsigned(n) => Unexpected::Unsigned(n),
                Resolved::Signed(n) => Unexpected::Signed(n),
                Resolved::Float(f) => Unexpected::Float(f),
                Resolved::Text(t) => Unexpected::Str(t),
            },
        }
    }

    fn any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Scalar { text, plain: false } => visitor.visit_borrowed_str(text),
            Kind::Scalar { text, plain: true } => match resolve(text) {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Unsigned(n) => visitor.visit_u64(n),
                Resolved::Signed(n) => visitor.visit_i64(n),
                Resolved::Float(f) => visitor.visit_f64(f),
                Resolved::Text(t) => visitor.visit_borrowed_str(t),
            },
            Kind::Seq(items) => visitor.visit_seq(SeqAccess {
                items: items.iter(),
                ctx: self.ctx,
            }),
            Kind::Map(entries) => visitor.visit_map(MapAccess::new(entries, self.ctx, None)),
        }
    }

    /// Where a number is expected, a quoted number is one too (`max_time_ms: "300"`), as
    /// saphyr read it before: being stricter would break runbooks that load today.
    fn number<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Scalar { text, plain: false } => match resolve(text) {
                Resolved::Unsigned(n) => visitor.visit_u64(n),
                Resolved::Signed(n) => visitor.visit_i64(n),
                Resolved::Float(f) => visitor.visit_f64(f),
                _ => self.any(visitor),
            },
            _ => self.any(visitor),
        }
    }

    /// Any scalar as the text written, the way saphyr reads strings: `id: 007` is "007".
    fn text<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Scalar { text, .. } if !self.is_null() => visitor.visit_borrowed_str(text),
            _ => self.any(visitor),
        }
    }
}

/// Runs `f` and gives any error leaving it this node's position.
fn positioned<T>(node: &Node, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    f().map_err(|e| e.at(node.pos))
}

macro_rules! via_any {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
            let node = self.node;
            positioned(node, || self.any(visitor))
        }
    )*};
}

macro_rules! via_number {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
            let node = self.node;
            positioned(node, || self.number(visitor))
        }
    )*};
}

impl<'n, 'a> de::Deserializer<'n> for De<'n, 'a> {
    type Error = Error;

    via_any! {
        deserialize_any deserialize_bool deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_seq deserialize_map deserialize_ignored_any
    }

    via_number! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_str<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.node;
        positioned(node, || self.text(visitor))
    }

    fn deserialize_string<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPAN_MARKER {
            // `Sp<T>` asks for the position first, then the value.
            let node = self.node;
            return positioned(node, || visitor.visit_seq(Spanned { de: self, step: 0 }));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'n>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let node = self.node;
        match &node.kind {
            Kind::Map(entries) => positioned(node, || {
                visitor.visit_map(MapAccess::new(entries, self.ctx, Some(fields)))
            }),
            // Not `visit_seq`: serde would read a list as the struct's fields in order.
            _ => Err(
                <Error as de::Error>::invalid_type(self.unexpected(), &"a mapping").at(node.pos),
            ),
        }
    }

    fn deserialize_enum<V: Visitor<'n>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let node = self.node;
        match &node.kind {
            Kind::Scalar { text, .. } => positioned(node, || {
                visitor.visit_enum(StrDeserializer::<Error>::new(text))
            }),
            _ => positioned(node, || self.any(visitor)),
        }
    }
}

/// The two elements `Sp<T>` reads: the packed position, then the value.
struct Spanned<'n, 'a> {
    de: De<'n, 'a>,
    step: u8,
}

impl<'n> de::SeqAccess<'n> for Spanned<'n, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.step += 1;
        match self.step {
            1 => seed
                .deserialize(pack_pos(self.de.node.pos).into_deserializer())
                .map(Some),
            2 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }
}

struct SeqAccess<'n, 'a> {
    items: std::slice::Iter<'n, Node<'a>>,
    ctx: &'n Ctx,
}

impl<'n> de::SeqAccess<'n> for SeqAccess<'n, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(node) => seed.deserialize(De::new(node, self.ctx)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A mapping's entries. For a struct (`fields` given), keys it does not have are recorded as
/// findings and skipped, so the struct still loads. Errors leaving an entry name its key: that
/// entry is what recovery drops.
struct MapAccess<'n, 'a> {
    entries: std::slice::Iter<'n, Entry<'a>>,
    ctx: &'n Ctx,
    fields: Option<&'static [&'static str]>,
    value: Option<&'n Entry<'a>>,
}

impl<'n, 'a> MapAccess<'n, 'a> {
    fn new(
        entries: &'n [Entry<'a>],
        ctx: &'n Ctx,
        fields: Option<&'static [&'static str]>,
    ) -> Self {
        MapAccess {
            entries: entries.iter(),
            ctx,
            fields,
            value: None,
        }
    }

    fn is_unknown(fields: Option<&[&str]>, entry: &Entry) -> bool {
        match (fields, entry.key.scalar_text()) {
            (Some(fields), Some(key)) => !fields.contains(&key),
            _ => false,
        }
    }
}

impl<'n> de::MapAccess<'n> for MapAccess<'n, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for entry in self.entries.by_ref() {
            if Self::is_unknown(self.fields, entry) {
                let fields = self.fields.unwrap_or_default();
                let key = entry.key.scalar_text().unwrap_or_default();
                let finding = Finding::unknown_field(entry.key.pos, key, fields);
                self.ctx.findings.borrow_mut().push(finding);
                continue;
            }
            self.value = Some(entry);
            return seed
                .deserialize(De::new(&entry.key, self.ctx))
                .map(Some)
                .map_err(|e| e.in_entry(entry.key.pos));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(entry) = self.value.take() else {
            return Err(de::Error::custom("a value was read before its key"));
        };
        seed.deserialize(De::new(&entry.value, self.ctx))
            .map_err(|e| e.in_entry(entry.key.pos))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::load::from_str;
    use crate::model::Sp;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let yaml = "a: 007\nb: 0x1F\nc: -3\nd: 1.5e3\ne: ~\nf: true\ng: True\nh: '12'\ni: .inf\n";
        let v: BTreeMap<String, serde_json::Value> = from_str(yaml).expect("parses");
        assert_eq!(v["a"], 7);
        assert_eq!(v["b"], 31);
        assert_eq!(v["c"], -3);
        assert_eq!(v["d"], 1500.0);
        assert!(v["e"].is_null());
        assert_eq!(v["f"], true);
        assert_eq!(v["g"], "True");
        assert_eq!(v["h"], "12");
        assert!(v["i"].is_null(), "JSON has no infinity: {}", v["i"]);
    }

    #[test]
    fn strings_are_read_as_written_with_their_positions() {
        let v: BTreeMap<String, Sp<String>> = from_str("id: 007\nok: true\n").expect("parses");
        assert_eq!(v["id"].value, "007");
        assert_eq!(v["ok"].value, "true");
        assert_eq!((v["ok"].pos.line, v["ok"].pos.column), (2, 5));
    }

    #[test]
    fn a_quoted_number_is_a_number_where_one_is_expected() {
        let v: BTreeMap<String, u32> = from_str("a: '5'\n").expect("parses");
        assert_eq!(v["a"], 5);
    }

    #[test]
    fn wrong_types_name_the_value_and_its_place() {
        let err = from_str::<BTreeMap<String, u32>>("a: 1\nb: [x]\n").unwrap_err();
        assert_eq!(
            err,
            "2:4: expected a whole number (0 or more), found a list"
        );
    }
}
