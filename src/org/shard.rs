//! `--shard i/n`: a deterministic, balanced share of the accounts, so that the jobs of an
//! existing scheduler (a GitHub Actions matrix, a Kubernetes Indexed Job) split a scan
//! between them with no coordinator.
//!
//! The unit is the account with its regions: a policy judges a whole account (rules join its
//! regions with IAM and the other global services), so an account's regions stay together.
//! Each account goes to the shard that ranks it highest by rendezvous hashing (SHA-256 of the
//! account id and the shard index), unless that shard already holds an even share of the
//! accounts: then to its next choice; the remainder takes one more slot per shard. Accounts are placed in the order of their own hash, so
//! the result depends only on the set of accounts: every job computes the same assignment;
//! adding an account moves little (the new account, and at most the accounts displaced from
//! a full shard); and the shards differ by at most one account.

use sha2::{Digest, Sha256};

pub use crate::report::org::Shard;

impl std::str::FromStr for Shard {
    type Err = String;

    /// `i/n` with 1 ≤ i ≤ n ≤ 1000, or `job/n`: i is the Kubernetes Indexed Job's 0-based
    /// `JOB_COMPLETION_INDEX` + 1 (a container without a shell cannot add one itself).
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = |why: &str| {
            format!("--shard `{s}`: {why} (expected i/n with 1 ≤ i ≤ n, e.g. 2/4, or job/n)")
        };
        let (i, n) = s.split_once('/').ok_or_else(|| bad("no `/`"))?;
        let index: u32 = if i.trim() == "job" {
            job_index(std::env::var("JOB_COMPLETION_INDEX").ok().as_deref()).map_err(|e| bad(&e))?
        } else {
            i.trim()
                .parse()
                .map_err(|_| bad("the index is not a whole number"))?
        };
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad("the count is not a whole number"))?;
        if count == 0 || count > 1000 {
            return Err(bad("the count must be between 1 and 1000"));
        }
        if index == 0 || index > count {
            return Err(bad(&format!("the index must be between 1 and {count}")));
        }
        Ok(Shard { index, count })
    }
}

/// The 1-based shard index of a Kubernetes Indexed Job's pod, from its 0-based
/// `JOB_COMPLETION_INDEX`.
fn job_index(var: Option<&str>) -> Result<u32, String> {
    let var =
        var.ok_or("JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job's pods have it)")?;
    var.trim()
        .parse::<u32>()
        .ok()
        .and_then(|i| i.checked_add(1))
        .ok_or_else(|| format!("JOB_COMPLETION_INDEX `{var}` is not a whole number"))
}

fn score(account: &str, shard: u32) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(account.as_bytes());
    h.update([0]);
    h.update(shard.to_be_bytes());
    h.finalize().into()
}

/// The shard (1-based) of each account, in the order given.
pub fn assign(accounts: &[&str], count: u32) -> Vec<u32> {
    let count = count.max(1);
    let ranked = |id: &str| {
        let mut r: Vec<u32> = (1..=count).collect();
        r.sort_by_key(|&s| std::cmp::Reverse(score(id, s)));
        r
    };
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by_key(|&i| score(accounts[i], 0));
    // Every shard first takes up to an even split; the remainder (fewer accounts than
    // shards) then takes one more slot each: the shards end within one account.
    let even = accounts.len() / count as usize;
    let mut load = vec![0usize; count as usize];
    let mut out = vec![0u32; accounts.len()];
    let mut rest = Vec::new();
    for i in order {
        match ranked(accounts[i])
            .into_iter()
            .find(|&s| load[s as usize - 1] < even)
        {
            Some(s) => {
                load[s as usize - 1] += 1;
                out[i] = s;
            }
            None => rest.push(i),
        }
    }
    for i in rest {
        let r = ranked(accounts[i]);
        let s = r
            .iter()
            .copied()
            .find(|&s| load[s as usize - 1] <= even)
            .unwrap_or(r[0]);
        load[s as usize - 1] += 1;
        out[i] = s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i as u64 * 7919))
            .collect()
    }

    #[test]
    fn shard_specs_are_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["5/4", "0/0", "0/4", "4", "a/b", "1/0", "-1/4", "2/1001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert!("5/4"
            .parse::<Shard>()
            .unwrap_err()
            .contains("between 1 and 4"));
    }

    #[test]
    fn a_job_index_is_the_zero_based_pod_index_plus_one() {
        assert_eq!(job_index(Some("0")), Ok(1));
        assert_eq!(job_index(Some("3")), Ok(4));
        assert!(job_index(None).unwrap_err().contains("not set"));
        for bad in ["", "-1", "x", "4294967295"] {
            assert!(job_index(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_account_lands_in_exactly_one_shard_and_the_shards_are_balanced() {
        for (n, count) in [(10, 3), (10, 4), (50, 4), (7, 7), (3, 5), (100, 4)] {
            let ids = ids(n);
            let accounts: Vec<&str> = ids.iter().map(String::as_str).collect();
            let a = assign(&accounts, count);
            assert_eq!(a, assign(&accounts, count), "deterministic");
            let mut per = vec![0usize; count as usize];
            for s in &a {
                assert!((1..=count).contains(s));
                per[*s as usize - 1] += 1;
            }
            let (min, max) = (per.iter().min().unwrap(), per.iter().max().unwrap());
            assert!(max - min <= 1, "{n} over {count}: {per:?}");
        }
    }

    #[test]
    fn the_assignment_depends_on_the_set_not_the_order_and_moves_little() {
        let ids = ids(50);
        let accounts: Vec<&str> = ids.iter().map(String::as_str).collect();
        let a = assign(&accounts, 4);
        let mut reversed = accounts.clone();
        reversed.reverse();
        let mut b = assign(&reversed, 4);
        b.reverse();
        assert_eq!(a, b);
        // One more account: the others mostly stay.
        let more = ids
            .iter()
            .cloned()
            .chain(["999999999999".to_owned()])
            .collect::<Vec<_>>();
        let accounts2: Vec<&str> = more.iter().map(String::as_str).collect();
        let c = assign(&accounts2, 4);
        let moved = a.iter().zip(&c).filter(|(x, y)| x != y).count();
        assert!(moved <= 5, "{moved} of 50 moved");
    }
}
