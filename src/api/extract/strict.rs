//! A strict view of a JSON document for serde: request bodies are read
//! through [`Strict`], which refuses what serde's derive would let through.
//!
//! - A struct given as an array. Derived `Deserialize` impls accept a
//!   sequence for a struct (`["10.0.0.0/16", null]` for `{cidr_block, ...}`),
//!   so a client's mistake would silently fill fields by position.
//! - A string (value or object key) holding a character that
//!   [`linkplane_core::text::forbidden_char`] refuses (U+0000 and other
//!   control characters).
//!
//! It wraps any deserializer and every visitor, sequence, map and enum
//! access below it, so the rules hold at every depth; errors are raised as
//! the format's own custom errors, so `serde_path_to_error` (wrapped around
//! it) still names the field. One limit: serde reads `#[serde(flatten)]`
//! fields and untagged or internally tagged enums through a buffer of its
//! own, below which only the string rule holds (strings are checked as they
//! are buffered), not the array rule; request types use none of them.

use linkplane_core::text::{describe_char, forbidden_char};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// A deserializer whose structs must be maps and whose strings must be clean.
pub struct Strict<D>(pub D);

fn check_str<E: de::Error>(s: &str) -> Result<(), E> {
    match forbidden_char(s, true) {
        None => Ok(()),
        Some(c) => Err(E::custom(format_args!(
            "'{}' contains the control character {}, which is not allowed",
            s.escape_debug(),
            describe_char(c)
        ))),
    }
}

/// A visitor that forwards to `inner`; when `is_struct`, a sequence is
/// refused instead of being read field by field.
struct Wrap<V> {
    inner: V,
    is_struct: bool,
}

impl<V> Wrap<V> {
    fn new(inner: V) -> Self {
        Wrap {
            inner,
            is_struct: false,
        }
    }

    fn for_struct(inner: V) -> Self {
        Wrap {
            inner,
            is_struct: true,
        }
    }
}

macro_rules! forward_deserialize {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Wrap::new(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap::new(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap::new(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap::new(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::new(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_struct(name, fields, Wrap::for_struct(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap::new(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A seed whose deserializer is wrapped in [`Strict`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(deserializer))
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.inner.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit!(
        visit_bool: bool,
        visit_i8: i8,
        visit_i16: i16,
        visit_i32: i32,
        visit_i64: i64,
        visit_i128: i128,
        visit_u8: u8,
        visit_u16: u16,
        visit_u32: u32,
        visit_u64: u64,
        visit_u128: u128,
        visit_f32: f32,
        visit_bytes: &[u8],
        visit_borrowed_bytes: &'de [u8],
        visit_byte_buf: Vec<u8>,
    );

    /// A number written with a zero fraction (`80.0`) is the integer JSON
    /// Schema says it is: passed on as one, so an integer field takes it
    /// (and a float field still gets its value).
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
            self.inner.visit_u64(v as u64)
        } else if v.fract() == 0.0 && v < 0.0 && v >= i64::MIN as f64 {
            self.inner.visit_i64(v as i64)
        } else {
            self.inner.visit_f64(v)
        }
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        check_str(v.encode_utf8(&mut [0; 4]))?;
        self.inner.visit_char(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        check_str(v)?;
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        check_str(v)?;
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        check_str(&v)?;
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Strict(d))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.is_struct {
            return Err(de::Error::custom("expected a JSON object, found an array"));
        }
        self.inner.visit_seq(Access(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Access(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Access(data))
    }
}

/// Sequence, map, enum and variant access whose elements are [`Strict`].
struct Access<A>(A);

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (v, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((v, Access(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::new(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::for_struct(visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        port: u16,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
        list: Option<Vec<Inner>>,
        tags: Option<BTreeMap<String, String>>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Interface,
    }

    fn parse(s: &str) -> Result<Outer, String> {
        let de = &mut serde_json::Deserializer::from_str(s);
        serde_path_to_error::deserialize(Strict(de))
            .map_err(|e| format!("{}: {}", e.path().clone(), e.into_inner()))
    }

    #[test]
    fn objects_pass_through() {
        let o = parse(
            r#"{"name": "a\tb", "inner": {"port": 80}, "list": [{"port": 1}],
                "tags": {"k": "v"}, "kind": "interface"}"#,
        )
        .expect("valid");
        assert_eq!(o.inner, Some(Inner { port: 80 }));
        assert_eq!(o.list, Some(vec![Inner { port: 1 }]));
        assert_eq!(o.kind, Some(Kind::Interface));
    }

    #[test]
    fn arrays_are_not_structs_at_any_depth() {
        let e = parse(r#"["a", null, null, null, null]"#).expect_err("array");
        assert!(e.contains("expected a JSON object, found an array"), "{e}");
        let e = parse(r#"{"name": "a", "inner": [80]}"#).expect_err("nested");
        assert!(e.starts_with("inner:"), "{e}");
        let e = parse(r#"{"name": "a", "list": [[1]]}"#).expect_err("in a list");
        assert!(e.starts_with("list[0]:"), "{e}");
    }

    #[test]
    fn integers_may_be_written_with_a_zero_fraction() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Numbers {
            port: u16,
            delta: i32,
            share: f64,
        }
        let parse = |s: &str| {
            let de = &mut serde_json::Deserializer::from_str(s);
            Numbers::deserialize(Strict(de)).map_err(|e| e.to_string())
        };
        assert_eq!(
            parse(r#"{"port": 80.0, "delta": -3.0, "share": 2.0}"#),
            Ok(Numbers {
                port: 80,
                delta: -3,
                share: 2.0
            })
        );
        assert_eq!(
            parse(r#"{"port": 80, "delta": 1, "share": 0.5}"#).map(|n| n.share),
            Ok(0.5)
        );
        assert!(parse(r#"{"port": 80.5, "delta": 1, "share": 1}"#).is_err());
        assert!(parse(r#"{"port": 70000.0, "delta": 1, "share": 1}"#).is_err());
    }

    #[test]
    fn control_characters_are_refused_in_values_and_keys() {
        let e = parse(r#"{"name": "a\u0000b"}"#).expect_err("nul");
        assert!(e.starts_with("name:") && e.contains("U+0000"), "{e}");
        let e = parse(r#"{"name": "a", "tags": {"k\u0001": "v"}}"#).expect_err("key");
        assert!(e.contains("U+0001"), "{e}");
        let e = parse(r#"{"name": "a", "tags": {"k": "\u007f"}}"#).expect_err("value");
        assert!(e.starts_with("tags.k:") && e.contains("U+007F"), "{e}");
    }
}
