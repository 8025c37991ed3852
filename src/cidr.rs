//! CIDR arithmetic shared by the config's validation and the policy engine's extensions
//! (built on `ipnet`). A CIDR may have host bits set (`10.0.1.5/24`), as AWS accepts.

use ipnet::IpNet;

/// Parses an IPv4/IPv6 CIDR; `None` when it is not one.
pub fn parse(cidr: &str) -> Option<IpNet> {
    cidr.trim().parse().ok()
}

/// Whether `inner` lies within `outer` (same family; `false` when either is not a CIDR).
pub fn contains(outer: &str, inner: &str) -> bool {
    match (parse(outer), parse(inner)) {
        (Some(o), Some(i)) => o.trunc().contains(&i.trunc()),
        _ => false,
    }
}

/// Whether two CIDRs share any address (same family; `false` when either is not a CIDR).
pub fn intersects(a: &str, b: &str) -> bool {
    contains(a, b) || contains(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_math() {
        assert!(contains("10.0.0.0/16", "10.0.1.0/24"));
        assert!(!contains("10.0.0.0/16", "10.1.0.0/24"));
        assert!(contains("0.0.0.0/0", "192.168.1.1/32"));
        assert!(contains("10.0.0.5/16", "10.0.1.0/24"));
        assert!(intersects("10.0.1.0/24", "10.0.0.0/16"));
        assert!(!intersects("10.0.1.0/24", "::/0"));
        assert!(contains("fc00::/7", "fd00::/8"));
        assert!(!contains("10.0.0.0/33", "10.0.0.0/24"));
        assert!(parse("10.0.0.0").is_none() && parse("x/8").is_none());
    }
}
