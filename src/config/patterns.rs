//! Globs from archaudit.toml as anchored regular expressions, so policies match them with
//! `regex.match`, on which regorus and OPA agree (their `glob.match` do not).

/// An anchored regular expression matching what the glob `pattern` matches: `*` any run of
/// characters other than `delimiter`, `**` any run at all, `?` one non-delimiter character,
/// `[…]` a class, `{a,b}` alternatives; everything else literally.
pub(crate) fn glob_to_regex(pattern: &str, delimiter: Option<char>) -> String {
    let not_delim = match delimiter {
        Some(d) => format!("[^{}]", regex_escape(&d.to_string())),
        None => ".".to_owned(),
    };
    let mut out = String::from("^");
    let mut chars = pattern.chars().peekable();
    let mut in_braces = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(".*");
            }
            '*' => out.push_str(&format!("{not_delim}*")),
            '?' => out.push_str(&not_delim),
            '[' => {
                out.push('[');
                if chars.peek() == Some(&'!') {
                    chars.next();
                    out.push('^');
                }
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if c == '\\' || c == '[' || c == '^' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push(']');
            }
            '{' => {
                in_braces += 1;
                out.push_str("(?:");
            }
            ',' if in_braces > 0 => out.push('|'),
            '}' if in_braces > 0 => {
                in_braces -= 1;
                out.push(')');
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push_str(&regex_escape(&next.to_string()));
                }
            }
            other => out.push_str(&regex_escape(&other.to_string())),
        }
    }
    out.push('$');
    out
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_anchored_regexes() {
        let re = |p: &str, d: Option<char>, s: &str| {
            regex::Regex::new(&glob_to_regex(p, d)).unwrap().is_match(s)
        };
        assert!(re("*terraform-state*", None, "acme.terraform-state.prod"));
        assert!(!re("*terraform-state*", None, "acme-state"));
        let env = "repo:org/app:environment:*";
        assert!(re(env, Some(':'), "repo:org/app:environment:prod"));
        assert!(re(env, Some(':'), "repo:org/app:environment:*"));
        assert!(!re(
            env,
            Some(':'),
            "repo:org/app:environment:prod:job_workflow_ref:x"
        ));
        assert!(re("repo:org/app:**", Some(':'), "repo:org/app:a:b"));
        assert!(!re(
            "repo:org/app:ref:refs/heads/main",
            Some(':'),
            "repo:org/app:ref:refs/heads/mainx"
        ));
        assert!(re("a?c", None, "abc") && !re("a.c", None, "abc"));
        assert!(re("{dev,prod}-*", None, "prod-1") && !re("{dev,prod}-*", None, "test-1"));
        assert!(re("[ab]x", None, "bx") && !re("[!ab]x", None, "bx"));
    }
}
