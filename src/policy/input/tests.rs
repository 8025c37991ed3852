//! Tests of the input builder: equal to the JSON-text route, and the kind filter.

use super::*;

/// The value the JSON-text route gives.
fn via_text<T: Serialize>(value: &T) -> Value {
    Value::from_json_str(&serde_json::to_string(value).unwrap()).unwrap()
}

#[test]
fn every_fixture_inventory_converts_exactly_as_its_json_text_would() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for sub in ["fixtures", "tests/tfstate"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Ok(inventory) = crate::inventory::Inventory::load(&path) else {
                continue;
            };
            let direct = to_value(&inventory).unwrap();
            assert!(direct == via_text(&inventory), "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} inventories checked");
}

#[test]
fn numbers_enums_and_keys_follow_the_json_text() {
    #[derive(serde::Serialize)]
    enum E {
        Unit,
        New(i32),
        Tuple(u8, i64),
        Struct { a: f64 },
    }
    #[derive(serde::Serialize)]
    struct S {
        neg: i64,
        pos: i64,
        big: u128,
        float: f64,
        nan: f64,
        small: f32,
        none: Option<u8>,
        unit: (),
        c: char,
        list: Vec<E>,
        ints: BTreeMap<i32, bool>,
        bools: BTreeMap<bool, u8>,
    }
    let s = S {
        neg: -3,
        pos: 443,
        big: u128::from(u64::MAX) + 1,
        float: 80.0,
        nan: f64::NAN,
        small: 0.1,
        none: None,
        unit: (),
        c: 'é',
        list: vec![E::Unit, E::New(-1), E::Tuple(1, 2), E::Struct { a: 0.5 }],
        ints: [(-1, true), (7, false)].into_iter().collect(),
        bools: [(true, 1)].into_iter().collect(),
    };
    let direct = to_value(&s).unwrap();
    let text = via_text(&s);
    assert_eq!(direct, text);
    assert_eq!(direct["big"].to_string(), "1.8446744073709552e+19");
}

#[test]
fn only_the_kinds_asked_for_are_kept_under_aws() {
    let inventory = crate::inventory::Inventory::reference();
    #[derive(serde::Serialize)]
    struct View<'a> {
        meta: &'a crate::inventory::ScanMeta,
        gaps: &'a [crate::inventory::Gap],
    }
    let view = View {
        meta: &inventory.meta,
        gaps: &inventory.gaps,
    };
    let kinds: BTreeSet<&'static str> = ["ec2.vpcs", "iam.roles"].into_iter().collect();
    let v = to_input(&view, &inventory.aws, &kinds).unwrap();
    let full = to_value(&inventory).unwrap();
    // Every kind asked for: the same value as the whole inventory's.
    let every: BTreeSet<&'static str> = crate::inventory::kinds().collect();
    assert_eq!(
        to_input(&view, &inventory.aws, &every).unwrap()["aws"],
        full["aws"]
    );
    let aws = &v["aws"];
    let services: Vec<String> = aws
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, s)| !s.as_object().unwrap().is_empty())
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(services, ["\"ec2\"", "\"iam\""]);
    assert_eq!(aws["ec2"].as_object().unwrap().len(), 1);
    assert_eq!(aws["ec2"]["vpcs"], full["aws"]["ec2"]["vpcs"]);
    assert_eq!(aws["iam"]["roles"], full["aws"]["iam"]["roles"]);
    assert_eq!(v["meta"], full["meta"]);
    assert_eq!(v["gaps"], full["gaps"]);
}

#[test]
fn a_map_key_that_json_cannot_carry_is_an_error() {
    let mut m = BTreeMap::new();
    m.insert(vec![1], 2);
    let err = to_value(&m).unwrap_err();
    assert!(err.to_string().contains("map key"), "{err}");
}

#[test]
fn equal_keys_share_one_allocation() {
    let tags: Vec<BTreeMap<String, String>> = (0..3)
        .map(|i| [("Name".to_owned(), format!("n{i}"))].into_iter().collect())
        .collect();
    let v = to_value(&tags).unwrap();
    let keys: Vec<Rc<str>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| match o.as_object().unwrap().keys().next().unwrap() {
            Value::String(s) => s.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert!(Rc::ptr_eq(&keys[0], &keys[1]) && Rc::ptr_eq(&keys[1], &keys[2]));
}
