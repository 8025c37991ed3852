use super::*;
use serde_sarif::sarif::ResultLevel;

fn report(findings: usize) -> Report {
    crate::report::testing::synthetic(findings)
}

#[test]
fn results_beyond_githubs_count_limit_are_cut_least_severe_first_and_said() {
    let sarif = build(&report(MAX_RESULTS + 10), &SarifOptions::default());
    let run = &sarif.runs[0];
    let results = run.results.as_ref().unwrap();
    assert_eq!(results.len(), MAX_RESULTS);
    // Worst first: every high finding is kept (half of them are high).
    let kept_high = results
        .iter()
        .filter(|r| matches!(r.level, Some(ResultLevel::Error)))
        .count();
    assert_eq!(kept_high, (MAX_RESULTS + 10).div_ceil(2));
    let inv = &run.invocations.as_ref().unwrap()[0];
    assert!(!inv.execution_successful);
    let notes = inv.tool_execution_notifications.as_ref().unwrap();
    assert!(notes.iter().any(|n| n
        .message
        .text
        .as_deref()
        .is_some_and(|t| t.starts_with("10 least severe result(s) left out"))));
}

#[test]
fn output_is_cut_to_the_gzipped_size_limit() {
    let r = report(2_000);
    let mut full = Vec::new();
    write(&r, &SarifOptions::default(), &mut full).unwrap();
    let limit = gzipped_len(&full).unwrap() / 3;
    let mut cut = Vec::new();
    write_within(&r, &SarifOptions::default(), limit, &mut cut).unwrap();
    assert!(gzipped_len(&cut).unwrap() <= limit);
    let log: Value = serde_json::from_slice(&cut).unwrap();
    let run = &log["runs"][0];
    let kept = run["results"].as_array().unwrap().len();
    assert!(kept > 0 && kept < 2_000);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let cut_notes: Vec<_> = notes
        .iter()
        .filter(|n| n["message"]["text"].as_str().unwrap().contains("left out"))
        .collect();
    assert_eq!(cut_notes.len(), 1, "{notes:?}");
    assert!(cut_notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{} least severe", 2_000 - kept)));
}

#[test]
fn artifact_uris_are_valid_uris() {
    assert_eq!(artifact_uri("infra/app.tf"), "infra/app.tf");
    assert_eq!(
        artifact_uri("/tmp/state dir/terraform.tfstate"),
        "file:///tmp/state%20dir/terraform.tfstate"
    );
    assert_eq!(
        artifact_uri("s3://bucket/prod/terraform.tfstate"),
        "s3://bucket/prod/terraform.tfstate"
    );
    assert_eq!(artifact_uri("a#b?.tf"), "a%23b%3F.tf");
}
