//! One source for each remediation command: the fix actions' CLI (`Action::cli`, shown by
//! `src/fix/catalogue.rs`). A report prints the planned actions' commands for a fixable
//! finding (generated); every other copy — the METADATA `cli` templates and the commands a
//! policy builds in Rego for the cases archaudit leaves to a person — is checked here: a
//! command with the same operation and the same flags as an action's must be an instance of
//! that action's command (`<placeholders>`, `%s`/`%d`/`%v` standing for any value).

use std::collections::BTreeSet;

use archaudit::finding::fix::FixId;
use archaudit::fix::catalogue::examples;
use archaudit::policy::PolicySet;
use regex::Regex;

/// `aws <service> <operation>` and the set of `--flags`, or `None` when the operation is
/// computed (`aws ec2 %s …`).
fn shape(cmd: &str) -> Option<(String, BTreeSet<String>)> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    if words.len() < 3 || words[0] != "aws" || words[1..3].iter().any(|w| w.contains(['%', '<'])) {
        return None;
    }
    let flags = words
        .iter()
        .filter(|w| w.starts_with("--"))
        .map(|w| (*w).to_owned())
        .collect();
    Some((words[..3].join(" "), flags))
}

/// The pattern an action's command makes: its `<placeholders>` (quoted or not) match any
/// value, and its numbers also a placeholder (a policy may take the number from the spec).
fn pattern(cli: &str) -> Regex {
    let escaped = regex::escape(cli);
    let placeholder = Regex::new(r#"['"]*<[^<>\s]+>['"]*"#).unwrap();
    let number = Regex::new(r"\d+(\\\.\d+)?").unwrap();
    let parts: Vec<String> = placeholder
        .split(&escaped)
        .map(|part| {
            number
                .replace_all(part, r"(?:\d+(?:\.\d+)?|<[^<>\s]+>)")
                .into_owned()
        })
        .collect();
    Regex::new(&format!("^{}$", parts.join(r#"['"]*.+?['"]*"#))).unwrap()
}

/// A policy's command with its `sprintf` verbs as placeholders.
fn normalized(cmd: &str) -> String {
    cmd.replace("%%", "\u{0}")
        .replace("%s", "<p>")
        .replace("%d", "<p>")
        .replace("%v", "<p>")
        .replace('\u{0}', "%")
        .trim()
        .to_owned()
}

/// The single `aws …` commands in a text (steps joined with `&&` or newlines).
fn commands(text: &str) -> Vec<String> {
    text.split("&&")
        .flat_map(|part| part.split('\n'))
        .map(str::trim)
        .filter(|c| c.starts_with("aws "))
        .map(str::to_owned)
        .collect()
}

/// The string literals of a Rego source, unescaped; a `concat(" ", [...])` of literals only
/// (how a command too long for one line is written) counts as the one string it makes.
fn literals(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let lit = r#""(?:[^"\\]|\\.)*""#;
    let joined = Regex::new(&format!(r#"concat\(" ", \[\s*((?:{lit}\s*,?\s*)+)\]\)"#)).unwrap();
    let one = Regex::new(&format!("({lit})")).unwrap();
    let unescape = |s: &str| {
        s[1..s.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    };
    let mut out = Vec::new();
    let rest = joined.replace_all(&code, |c: &regex::Captures<'_>| {
        let parts: Vec<String> = one.find_iter(&c[1]).map(|m| unescape(m.as_str())).collect();
        out.push(parts.join(" "));
        String::new()
    });
    out.extend(one.find_iter(&rest).map(|m| unescape(m.as_str())));
    out
}

#[test]
fn every_command_a_policy_spells_for_an_action_is_that_action_s_command() {
    type Shape = (String, BTreeSet<String>);
    let actions: Vec<(FixId, String, Shape)> = examples()
        .iter()
        .map(|a| {
            let shape = shape(&a.cli()).expect("an action's command has a shape");
            (a.fix_id(), a.cli(), shape)
        })
        .collect();
    let set = PolicySet::load(true, &[]).unwrap();
    // (file, the fix its policy names, command): a policy's commands are compared with its
    // own fix's actions (another command may share an operation and flags: a listener that
    // forwards, not redirects).
    let mut found: Vec<(String, Option<FixId>, String)> = Vec::new();
    for p in set.policies() {
        let fix = p.meta.custom.remediation.fix;
        for cli in p.meta.custom.remediation.cli.iter() {
            found.extend(commands(cli).into_iter().map(|c| (p.path.clone(), fix, c)));
        }
        let source = set.sources().iter().find(|s| s.path == p.path).unwrap();
        for lit in literals(&source.text) {
            found.extend(commands(&lit).into_iter().map(|c| (p.path.clone(), fix, c)));
        }
    }
    let mut checked = 0;
    let mut problems = Vec::new();
    for (file, fix, cmd) in &found {
        let Some(s) = shape(cmd) else { continue };
        let same: Vec<&String> = actions
            .iter()
            .filter(|(id, _, shape)| Some(*id) == *fix && shape == &s)
            .map(|(_, cli, _)| cli)
            .collect();
        if same.is_empty() {
            continue; // not a command archaudit's fixes run
        }
        checked += 1;
        let text = normalized(cmd);
        if !same.iter().any(|cli| pattern(cli).is_match(&text)) {
            problems.push(format!("{file}: `{cmd}`\n  is not an instance of {same:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The check saw the commands it is about (METADATA templates and Rego fallbacks).
    println!("{checked} commands checked against their actions");
    assert!(checked >= 20, "only {checked} commands checked");
}

#[test]
fn the_pattern_of_a_command_matches_its_instances_only() {
    let p = pattern(
        "aws logs put-retention-policy --log-group-name <log-group> --retention-in-days 30",
    );
    assert!(p.is_match(&normalized(
        "aws logs put-retention-policy --log-group-name %s --retention-in-days 30"
    )));
    assert!(p.is_match("aws logs put-retention-policy --log-group-name 'x' --retention-in-days 7"));
    assert!(!p.is_match("aws logs put-retention-policy --log-group-name x --retention-days 7"));
    let src =
        "x := sprintf(concat(\" \", [\n\t\"aws a b\",\n\t\"--x %s\"\n]), [1])\ny := \"aws c d\"";
    assert_eq!(
        literals(src),
        vec!["aws a b --x %s".to_owned(), "aws c d".to_owned()]
    );
    assert_eq!(
        commands("aws a b --x 1 &&\naws c d"),
        vec!["aws a b --x 1".to_owned(), "aws c d".to_owned()]
    );
}
