//! The serializer's compound values: arrays and objects under construction.

use std::collections::BTreeMap;

use regorus::Value;
use serde::ser::{self, Serialize};

use super::{single, string, Builder, InputError};

/// An array (or a tuple variant's array) under construction.
pub struct Seq<'a> {
    b: &'a mut Builder,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl<'a> Seq<'a> {
    pub(super) fn new(b: &'a mut Builder, len: usize, variant: Option<&'static str>) -> Self {
        Seq {
            b,
            items: Vec::with_capacity(len),
            variant,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
        let v = value.serialize(&mut *self.b)?;
        self.items.push(v);
        Ok(())
    }

    fn finish(self) -> Result<Value, InputError> {
        let array = Value::from(self.items);
        Ok(match self.variant {
            Some(variant) => single(variant, array, self.b),
            None => array,
        })
    }
}

/// serde splits "an array under construction" into four traits (two method names): one body.
macro_rules! seq_traits {
    ($($tr:ident :: $method:ident),+) => {$(
        impl ser::$tr for Seq<'_> {
            type Ok = Value;
            type Error = InputError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
                self.push(value)
            }
            fn end(self) -> Result<Value, InputError> {
                self.finish()
            }
        }
    )+};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// An object (a map, a struct, or a struct variant's object) under construction.
pub struct Map<'a> {
    b: &'a mut Builder,
    entries: BTreeMap<Value, Value>,
    key: Option<Value>,
    variant: Option<&'static str>,
}

impl<'a> Map<'a> {
    pub(super) fn new(b: &'a mut Builder, variant: Option<&'static str>) -> Self {
        Map {
            b,
            entries: BTreeMap::new(),
            key: None,
            variant,
        }
    }

    fn finish(self) -> Result<Value, InputError> {
        let object = Value::from(self.entries);
        Ok(match self.variant {
            Some(variant) => single(variant, object, self.b),
            None => object,
        })
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), InputError> {
        if self.b.skips(name) {
            return Ok(());
        }
        self.b.path.push(name);
        let v = value.serialize(&mut *self.b);
        self.b.path.pop();
        let v = v?;
        let k = self.b.field(name);
        self.entries.insert(k, v);
        Ok(())
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = Value;
    type Error = InputError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), InputError> {
        let k = match key.serialize(&mut *self.b)? {
            // JSON object keys are strings: numbers and booleans are written as their text.
            k @ Value::String(_) => k,
            k @ (Value::Number(_) | Value::Bool(_)) => string(&k.to_string()),
            other => {
                return Err(InputError(format!(
                    "a map key must be a string, not {other}"
                )))
            }
        };
        self.key = Some(self.b.key(k));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), InputError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| InputError("a map value without a key".to_owned()))?;
        let v = value.serialize(&mut *self.b)?;
        self.entries.insert(key, v);
        Ok(())
    }
    fn end(self) -> Result<Value, InputError> {
        self.finish()
    }
}

/// A struct and a struct variant's object take fields the same way.
macro_rules! struct_traits {
    ($($tr:ident),+) => {$(
        impl ser::$tr for Map<'_> {
            type Ok = Value;
            type Error = InputError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), InputError> {
                self.field(name, value)
            }
            fn end(self) -> Result<Value, InputError> {
                self.finish()
            }
        }
    )+};
}

struct_traits!(SerializeStruct, SerializeStructVariant);
