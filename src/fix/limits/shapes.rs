//! The shapes of AWS identifiers and values that [`super`]'s checks need. Every error names
//! the value, escaped and cut short.

pub(super) type Check = Result<(), String>;

pub(super) fn fail(what: String) -> Check {
    Err(what)
}

/// `value` is `prefix` followed by 1–32 lowercase letters or digits (`sg-0a1b…`; AWS's are
/// hexadecimal, the check only needs to keep anything but an id out).
pub(super) fn aws_id(what: &str, prefix: &str, value: &str) -> Check {
    let ok = value.strip_prefix(prefix).is_some_and(|rest| {
        (1..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    });
    if ok {
        Ok(())
    } else {
        fail(format!("{what} `{}` is not a {prefix}… id", shown(value)))
    }
}

/// A value for an error message: control characters escaped, long values cut.
pub(super) fn shown(value: &str) -> String {
    let mut s: String = value
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if value.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// `value` has 1..=`max` characters, each ASCII alphanumeric or in `extra`.
pub(super) fn name(what: &str, value: &str, max: usize, extra: &str) -> Check {
    let ok = (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.as_bytes().contains(&b));
    if ok {
        Ok(())
    } else {
        fail(format!(
            "{what} `{}` is not a valid name (1–{max} characters: letters, digits and `{extra}`)",
            shown(value)
        ))
    }
}

/// An ARN of `service` (any service when empty) in a known partition, without whitespace,
/// quotes or control characters.
pub(super) fn arn(what: &str, value: &str, service: &str) -> Check {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && crate::names::PARTITIONS.contains(&parts[1])
        && (service.is_empty() || parts[2] == service)
        && !parts[5].is_empty()
        && value.len() <= 2048
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"\"'`\\$;|&<>".contains(&b));
    if ok {
        Ok(())
    } else {
        let of = if service.is_empty() {
            String::new()
        } else {
            format!(" of {service}")
        };
        fail(format!("{what} `{}` is not an ARN{of}", shown(value)))
    }
}

pub(super) fn cidr(what: &str, value: &str) -> Check {
    match value.parse::<ipnet::IpNet>() {
        Ok(n) if n.trunc() == n => Ok(()),
        _ => fail(format!("{what} `{}` is not a network CIDR", shown(value))),
    }
}

pub(super) fn within(what: &str, value: i64, lo: i64, hi: i64, why: &str) -> Check {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        fail(format!("{what} {value} is outside {lo}..={hi} ({why})"))
    }
}

pub(super) fn cluster_and_service(cluster: &str, service: &str) -> Check {
    name("cluster", cluster, 255, "-_")?;
    name("service", service, 255, "-_")
}

/// `service/<cluster>/<service>`.
pub(super) fn scalable_resource(value: &str) -> Check {
    match value
        .strip_prefix("service/")
        .and_then(|r| r.split_once('/'))
    {
        Some((c, s)) => cluster_and_service(c, s),
        None => fail(format!(
            "resource id `{}` is not service/<cluster>/<service>",
            shown(value)
        )),
    }
}

pub(super) const IAM_CHARS: &str = "+=,.@_-";
pub(super) fn bucket_name(b: &str) -> Check {
    let ok = (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && b.as_bytes()[0].is_ascii_alphanumeric()
        && b.as_bytes()[b.len() - 1].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        fail(format!("bucket `{}` is not a bucket name", shown(b)))
    }
}
