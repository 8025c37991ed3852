use super::*;
use crate::report::org::AccountReport;
use crate::report::testing::synthetic;

/// A deterministic pseudo-random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// An account's report with `findings` findings (some waived), consistent with itself.
fn account(id: &str, findings: usize, waived: usize, shard: Option<Shard>) -> AccountReport {
    let mut report = synthetic(findings);
    report.account_id = id.to_owned();
    for f in report.findings.iter_mut().take(waived) {
        f.waived = Some(crate::finding::Waived {
            reason: "r".into(),
            owner: "o".into(),
            expires: "2099-01-01".into(),
        });
    }
    report.rules[0].status = if findings == 0 {
        RuleStatus::Passed
    } else {
        RuleStatus::Failed
    };
    report.summary = Summary::of(&report.rules, &report.findings, &report.gaps);
    AccountReport {
        account_id: id.to_owned(),
        name: id.to_owned(),
        tags: BTreeMap::new(),
        status: AccountStatus::Scanned,
        error: None,
        shard,
        api_calls: 0,
        report,
    }
}

/// The shard reports of a run of `accounts` (id, findings, waived) over `count` shards.
fn shards(accounts: &[(String, usize, usize)], count: u32) -> Vec<(String, OrgReport)> {
    let ids: Vec<&str> = accounts.iter().map(|a| a.0.as_str()).collect();
    let assigned = crate::org::shard::assign(&ids, count);
    let mut all: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    all.sort();
    (1..=count)
        .map(|index| {
            let shard = Shard { index, count };
            let mine = accounts
                .iter()
                .zip(&assigned)
                .filter(|(_, s)| **s == index)
                .map(|((id, n, w), _)| account(id, *n, *w, (count > 1).then_some(shard)))
                .collect();
            let run = RunInfo {
                id: "run".into(),
                source: "test".into(),
                accounts: all.clone(),
                skipped: vec![],
                shard_count: count,
                shards: vec![shard],
            };
            (format!("shard-{index}.json"), OrgReport::new(run, mine))
        })
        .collect()
}

/// Totals recomputed from the accounts' findings, rules and gaps alone.
fn recomputed(r: &OrgReport) -> OrgSummary {
    let mut accounts = r.accounts.clone();
    for a in &mut accounts {
        let rep = &a.report;
        a.report.summary = Summary::of(&rep.rules, &rep.findings, &rep.gaps);
    }
    OrgSummary::of(&accounts)
}

fn random_run(rng: &mut Rng) -> (Vec<(String, usize, usize)>, u32) {
    let n = 1 + rng.below(12) as usize;
    let accounts = (0..n)
        .map(|i| {
            let findings = rng.below(5) as usize;
            let waived = rng.below(findings as u64 + 1) as usize;
            (
                format!("{:012}", 100_000_000_000u64 + i as u64 * 7919),
                findings,
                waived,
            )
        })
        .collect();
    (accounts, 1 + rng.below(4) as u32)
}

#[test]
fn merged_counts_are_always_those_of_the_findings() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..200 {
        let (accounts, count) = random_run(&mut rng);
        let merged = merge(shards(&accounts, count)).unwrap();
        assert_eq!(merged.summary, recomputed(&merged));
        let findings: usize = accounts.iter().map(|a| a.1 - a.2).sum();
        assert_eq!(
            merged.summary.total.findings.values().sum::<usize>(),
            findings
        );
    }
}

#[test]
fn a_shard_that_misstates_its_counts_or_its_place_is_refused() {
    type Edit = fn(&mut OrgReport);
    let edits: [(&str, Edit, &str); 9] = [
        (
            "zeroed account summary",
            |r| r.accounts[0].report.summary.findings.clear(),
            "its summary says",
        ),
        (
            "zeroed run totals",
            |r| r.summary.total.findings.clear(),
            "not the sums of its accounts",
        ),
        (
            "a rule said to pass",
            |r| r.accounts[0].report.rules[0].status = RuleStatus::Passed,
            "rule AA-NET-001 says passed",
        ),
        (
            "a finding twice",
            |r| {
                let f = r.accounts[0].report.findings[0].clone();
                r.accounts[0].report.findings.push(f);
            },
            "is given twice",
        ),
        (
            "shard 7 of 2",
            |r| r.run.shards = vec![Shard { index: 7, count: 2 }],
            "not a shard of a run of 2",
        ),
        (
            "shard 0 of 2",
            |r| r.run.shards = vec![Shard { index: 0, count: 2 }],
            "not a shard of a run of 2",
        ),
        (
            "an account outside the run",
            |r| r.accounts[0].account_id = "999999999999".into(),
            "not an account of the run",
        ),
        (
            "another account's report",
            |r| r.accounts[0].report.account_id = "999999999999".into(),
            "holds a report of account",
        ),
        (
            "an account of the other shard",
            |r| {
                let other = Shard {
                    index: 3 - r.run.shards[0].index,
                    count: 2,
                };
                r.accounts[0].shard = Some(other);
            },
            "it belongs to shard",
        ),
    ];
    let accounts: Vec<(String, usize, usize)> = (0..6)
        .map(|i| (format!("{:012}", 200_000_000_000u64 + i * 31), 2, 0))
        .collect();
    for (name, edit, expected) in edits {
        let mut reports = shards(&accounts, 2);
        edit(&mut reports[0].1);
        let e = merge(reports).expect_err(name).to_string();
        assert!(e.contains(expected), "{name}: {e}");
        assert!(e.starts_with("shard-1.json"), "{name}: {e}");
    }
}

#[test]
fn no_tampered_merge_of_a_run_with_findings_exits_clean() {
    // Edited counts: either refused, or (never) a merged run whose counts hide findings.
    let mut rng = Rng(0x5eed_0000_0000_0042);
    for _ in 0..100 {
        let (accounts, count) = random_run(&mut rng);
        let mut reports = shards(&accounts, count);
        let i = rng.below(reports.len() as u64) as usize;
        let r = &mut reports[i].1;
        if r.accounts.is_empty() {
            continue;
        }
        let a = rng.below(r.accounts.len() as u64) as usize;
        r.accounts[a].report.summary.findings.clear();
        r.summary = OrgSummary::of(&r.accounts);
        match merge(reports) {
            Err(_) => {}
            Ok(m) => {
                assert_eq!(m.summary, recomputed(&m));
            }
        }
    }
}
