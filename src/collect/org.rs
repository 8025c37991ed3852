//! The accounts of an organization (`organizations:ListAccounts`, every page), as the
//! management account or a delegated administrator sees them.

use crate::aws::{Failure, Session};

/// An account as Organizations lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    /// Twelve digits.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
}

/// Every account of the organization the session's credentials belong to.
pub async fn list_accounts(session: &Session) -> Result<Vec<OrgAccount>, Failure> {
    let conf = session.config(session.home_region());
    let client = aws_sdk_organizations::Client::new(&conf);
    let limiter = session.limiter("organizations", "global");
    let mut pages = client.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    loop {
        limiter.acquire().await;
        let Some(page) = pages.next().await else {
            break;
        };
        let page = page.map_err(Failure::from_sdk)?;
        for a in page.accounts() {
            let Some(id) = a.id().filter(|i| !i.is_empty()) else {
                continue;
            };
            out.push(OrgAccount {
                id: id.to_owned(),
                name: a.name().unwrap_or(id).to_owned(),
                // `State` supersedes `Status` (deprecated); either says whether it is active.
                status: a
                    .state()
                    .map(|s| s.as_str().to_owned())
                    .or_else(|| a.status().map(|s| s.as_str().to_owned()))
                    .unwrap_or_else(|| "ACTIVE".to_owned()),
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}
