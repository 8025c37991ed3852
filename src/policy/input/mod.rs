//! The engine's `input`, built straight from the typed inventory.
//!
//! The obvious route — serialize to JSON text, then `regorus::Value::from_json_str` — holds a
//! third copy of the inventory (the text: 64 MiB at 100,000 resources) beside the typed
//! inventory and the engine's value, and spends time printing and re-parsing it. [`to_input`]
//! is a `serde::Serializer` whose output is the `regorus::Value` itself, equal to what the
//! text route gives (a test compares both on every shipped fixture):
//! - integers ≥ 0 become unsigned numbers, as the JSON parser reads them;
//! - non-finite floats become `null`, as `serde_json` writes them;
//! - enums follow `serde_json`'s representation (unit variants as strings, others as a
//!   one-key object);
//! - object keys are interned (one allocation per distinct key, shared by every object that
//!   has it), as regorus's own parser does, and so are short string values (regions, states).
//!
//! [`to_input`] also leaves out the inventory kinds no loaded rule reads (`aws.<service>.<kind>`
//! fields), so they cost nothing; what each rule reads is derived from its Rego (`deps`), and
//! errs towards reading more.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use rayon::prelude::*;
use regorus::{Rc, Value};
use serde::ser::{self, Serialize};

use crate::inventory::Aws;

mod compound;
#[cfg(test)]
mod tests;

use compound::{Map, Seq};

/// Why a value could not be converted (a map key that is not a string or a number).
#[derive(Debug)]
pub struct InputError(String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

impl ser::Error for InputError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        InputError(msg.to_string())
    }
}

/// Strings up to this length are shared: longer ones (ARNs, names, documents) are mostly
/// distinct, and looking them up would cost more than it saves.
const SHARED_TEXT: usize = 16;

/// `value` as a regorus value.
#[cfg(test)]
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, InputError> {
    value.serialize(&mut Builder::default())
}

/// The policies' `input`: the object `view` (everything but the resources) with `aws` added,
/// holding only the kinds in `kinds` (`ec2.vpcs`). The services are converted in parallel.
pub fn to_input<T: Serialize + ?Sized>(
    view: &T,
    aws: &Aws,
    kinds: &BTreeSet<&'static str>,
) -> Result<Value, InputError> {
    let parts = aws
        .parts()
        .into_par_iter()
        .map(|(service, part)| {
            let mut b = Builder {
                kinds: Some(kinds.clone()),
                path: vec!["aws", service.key()],
                ..Builder::default()
            };
            Ok((string(service.key()), part.serialize(&mut b)?))
        })
        .collect::<Result<BTreeMap<Value, Value>, InputError>>()?;
    let mut input = view.serialize(&mut Builder::default())?;
    let Ok(object) = input.as_object_mut() else {
        return Err(InputError("the input view is not an object".to_owned()));
    };
    object.insert(string("aws"), Value::from(parts));
    Ok(input)
}

/// The serializer: the key-interning tables, and the kind filter with the struct-field path
/// it is matched against.
#[derive(Default)]
struct Builder {
    /// Struct field names (`&'static str`, so looked up without hashing their text twice).
    fields: HashMap<&'static str, Value>,
    /// Map keys (tag keys, condition operators, ARN-keyed maps) and short string values.
    shared: HashSet<Rc<str>>,
    /// The kinds to keep under `aws`; `None` keeps everything.
    kinds: Option<BTreeSet<&'static str>>,
    /// The struct fields being serialized, outermost first (`["aws", "ec2"]`).
    path: Vec<&'static str>,
}

impl Builder {
    /// Whether field `name` of the struct at the current path is a kind left out.
    fn skips(&self, name: &str) -> bool {
        match (&self.kinds, self.path.as_slice()) {
            (Some(kinds), ["aws", service]) => !kinds
                .iter()
                .any(|k| k.split_once('.') == Some((service, name))),
            _ => false,
        }
    }

    fn field(&mut self, name: &'static str) -> Value {
        self.fields
            .entry(name)
            .or_insert_with(|| Value::String(Rc::from(name)))
            .clone()
    }

    /// A string value; short ones (regions, account ids, states, protocols, effects: a few
    /// distinct values repeated on every resource) share one allocation.
    fn text(&mut self, v: &str) -> Value {
        if v.len() > SHARED_TEXT {
            return string(v);
        }
        match self.shared.get(v) {
            Some(existing) => Value::String(existing.clone()),
            None => {
                let s: Rc<str> = Rc::from(v);
                self.shared.insert(s.clone());
                Value::String(s)
            }
        }
    }

    fn key(&mut self, key: Value) -> Value {
        match key {
            Value::String(s) => match self.shared.get(&s) {
                Some(existing) => Value::String(existing.clone()),
                None => {
                    self.shared.insert(s.clone());
                    Value::String(s)
                }
            },
            other => other,
        }
    }
}

fn string(s: &str) -> Value {
    Value::String(Rc::from(s))
}

fn single(key: &'static str, value: Value, b: &mut Builder) -> Value {
    let mut map = BTreeMap::new();
    map.insert(b.field(key), value);
    Value::from(map)
}

impl<'a> ser::Serializer for &'a mut Builder {
    type Ok = Value;
    type Error = InputError;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Map<'a>;
    type SerializeStructVariant = Map<'a>;

    fn serialize_bool(self, v: bool) -> Result<Value, InputError> {
        Ok(Value::from(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, InputError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, InputError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, InputError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, InputError> {
        // JSON text does not say signed: the parser reads every non-negative integer as u64.
        Ok(match u64::try_from(v) {
            Ok(u) => Value::from(u),
            Err(_) => Value::from(v),
        })
    }
    fn serialize_i128(self, v: i128) -> Result<Value, InputError> {
        Ok(match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => Value::from(u),
            (_, Ok(i)) => Value::from(i),
            _ => Value::from(v),
        })
    }
    fn serialize_u8(self, v: u8) -> Result<Value, InputError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, InputError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, InputError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, InputError> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, InputError> {
        Ok(match u64::try_from(v) {
            Ok(u) => Value::from(u),
            Err(_) => Value::from(v),
        })
    }
    fn serialize_f32(self, v: f32) -> Result<Value, InputError> {
        // As JSON text would carry it: the shortest decimal that reads back as this f32.
        match v.to_string().parse::<f64>() {
            Ok(f) if v.is_finite() => self.serialize_f64(f),
            _ => Ok(Value::Null),
        }
    }
    fn serialize_f64(self, v: f64) -> Result<Value, InputError> {
        Ok(if v.is_finite() {
            Value::from(v)
        } else {
            Value::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Value, InputError> {
        Ok(string(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Value, InputError> {
        Ok(self.text(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, InputError> {
        Ok(Value::from(
            v.iter()
                .map(|b| Value::from(u64::from(*b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, InputError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, InputError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, InputError> {
        Ok(self.field(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Value, InputError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, InputError> {
        let inner = value.serialize(&mut *self)?;
        Ok(single(variant, inner, self))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a>, InputError> {
        Ok(Seq::new(self, len.unwrap_or(0), None))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, InputError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, InputError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'a>, InputError> {
        Ok(Seq::new(self, len, Some(variant)))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, InputError> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'a>, InputError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'a>, InputError> {
        Ok(Map::new(self, Some(variant)))
    }
}
