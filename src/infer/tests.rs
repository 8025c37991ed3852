use super::write::key;
use super::*;

#[test]
fn names_are_keys_made_unique_and_one_is_the_single_name() {
    let one = names(&["archaudit"], |s| s, "main");
    assert_eq!(one, ["main"]);
    let two = names(&["shop prod", "shop prod", "ops"], |s| s, "main");
    assert_eq!(two, ["shop_prod", "shop_prod-2", "ops"]);
    assert_eq!(key(""), "unnamed");
}

/// Nothing secret reaches the spec: the task definition of the plaintext-password fixture
/// names a credential-looking variable, which the spec never mentions (it reads settings,
/// names and ids, never task environments).
#[test]
fn task_environments_never_reach_the_spec() {
    let inv = Inventory::from_json(
        include_str!("../../fixtures/drift/plaintext_password.json"),
        "plaintext_password.json",
    )
    .unwrap();
    let names: Vec<&str> = inv
        .aws
        .ecs
        .task_definitions
        .iter()
        .flat_map(|t| &t.containers)
        .flat_map(|c| &c.environment)
        .filter(|e| e.looks_like_credential)
        .map(|e| e.name.as_str())
        .collect();
    assert!(!names.is_empty());
    let text = spec(&inv);
    for n in names {
        assert!(!text.contains(n), "{n}");
    }
}
