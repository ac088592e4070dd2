//! Serialising a struct without some of its top-level fields, in one pass.
//!
//! `aws_lambda_events`' HTTP API event also carries the fields of a custom authorizer
//! request, which a proxy event does not have. Going through a `serde_json::Value` to
//! remove them costs a second serialisation pass and a tree of allocations per request;
//! [`SkipFields`] drops them while the event is written.

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// `value`, serialised without the top-level struct fields named in `skip`.
pub(crate) struct SkipFields<'a, T> {
    pub(crate) value: &'a T,
    pub(crate) skip: &'a [&'a str],
}

impl<T: Serialize> Serialize for SkipFields<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Top {
            inner: serializer,
            skip: self.skip,
        })
    }
}

/// Passes everything through, except that a struct skips the named fields.
struct Top<'a, S> {
    inner: S,
    skip: &'a [&'a str],
}

/// The struct being written, minus the skipped fields.
struct Filtered<'a, S> {
    inner: S,
    skip: &'a [&'a str],
}

impl<S: SerializeStruct> SerializeStruct for Filtered<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), S::Error> {
        if self.skip.contains(&key) {
            self.inner.skip_field(key)
        } else {
            self.inner.serialize_field(key, value)
        }
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

/// The event is a struct: anything else is not what [`SkipFields`] is for.
fn not_a_struct<E: ser::Error>() -> E {
    E::custom("skip fields of a value that is not a struct")
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<S::Ok, S::Error> {
            Err(not_a_struct())
        })*
    };
}

impl<'a, S: Serializer> Serializer for Top<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = Filtered<'a, S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Filtered {
            inner: self.inner.serialize_struct(name, len)?,
            skip: self.skip,
        })
    }

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(not_a_struct())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Event {
        kept: u8,
        #[serde(rename = "methodArn")]
        dropped: Option<String>,
        nested: Inner,
    }

    #[derive(serde::Serialize)]
    struct Inner {
        #[serde(rename = "methodArn")]
        same_name_inside: u8,
    }

    #[test]
    fn only_top_level_fields_named_are_left_out() {
        let event = Event {
            kept: 1,
            dropped: None,
            nested: Inner {
                same_name_inside: 2,
            },
        };
        let json = serde_json::to_string(&SkipFields {
            value: &event,
            skip: &["methodArn"],
        })
        .ok();
        assert_eq!(
            json.as_deref(),
            Some(r#"{"kept":1,"nested":{"methodArn":2}}"#)
        );
    }

    #[test]
    fn a_value_that_is_not_a_struct_is_refused() {
        let json = serde_json::to_string(&SkipFields {
            value: &[1, 2],
            skip: &["x"],
        });
        assert!(json.is_err());
    }
}
