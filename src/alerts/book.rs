//! The book as the cross-check sees it, worked out from the workspace rather than from a built
//! site (CI lints before it builds): the pages the book has, and for each alert the runbooks and
//! failure modes that list it.

use std::collections::{BTreeMap, BTreeSet};

use crate::compile::CompiledRunbook;
use crate::model::{FailureMode, Sp};

/// A failure mode that lists an alert, and where it names it.
pub struct Listing<'w> {
    pub runbook: &'w CompiledRunbook,
    pub mode: &'w FailureMode,
    pub name: &'w Sp<String>,
}

pub struct Book<'w> {
    /// Every page, relative to the site's root (`api/increased-latency.html`).
    pages: BTreeSet<String>,
    /// Alert name → the failure modes that list it, in the order of the runbooks.
    listings: BTreeMap<&'w str, Vec<Listing<'w>>>,
}

impl<'w> Book<'w> {
    pub fn of(runbooks: &'w [CompiledRunbook]) -> Self {
        let mut pages: BTreeSet<String> = ["index.html", "alerts/index.html", "incident.html"]
            .map(str::to_owned)
            .into();
        let mut listings: BTreeMap<&str, Vec<Listing>> = BTreeMap::new();
        for runbook in runbooks {
            pages.insert(format!("{}/index.html", runbook.id));
            for mode in &runbook.runbook.failure_modes {
                pages.insert(mode_page(runbook, mode));
                for alert in &mode.alerts {
                    let name = &alert.value.name;
                    pages.insert(alert_page(name));
                    let listing = Listing {
                        runbook,
                        mode,
                        name,
                    };
                    listings
                        .entry(name.value.as_str())
                        .or_default()
                        .push(listing);
                }
            }
        }
        Book { pages, listings }
    }

    pub fn has_page(&self, page: &str) -> bool {
        self.pages.contains(page)
    }

    pub fn pages(&self) -> impl Iterator<Item = &str> {
        self.pages.iter().map(String::as_str)
    }

    /// The names of the alerts runbooks list, sorted.
    pub fn alerts(&self) -> impl Iterator<Item = &'w str> + '_ {
        self.listings.keys().copied()
    }

    pub fn listings(&self, alert: &str) -> &[Listing<'w>] {
        self.listings.get(alert).map_or(&[], Vec::as_slice)
    }

    pub fn is_listed(&self, alert: &str) -> bool {
        self.listings.contains_key(alert)
    }

    /// Whether `page` is where the responder to `alert` should land: the alert's own page, or
    /// the page of a failure mode that lists it.
    pub fn leads_to(&self, alert: &str, page: &str) -> bool {
        page == alert_page(alert)
            || self
                .listings(alert)
                .iter()
                .any(|l| page == mode_page(l.runbook, l.mode))
    }

    /// The params declared by the runbooks that list `alert`, each once, in the order written.
    pub fn params(&self, alert: &str) -> Vec<&'w str> {
        let mut params: Vec<&str> = Vec::new();
        for listing in self.listings(alert) {
            for (name, _) in listing.runbook.runbook.params.iter() {
                if !params.contains(&name.value.as_str()) {
                    params.push(&name.value);
                }
            }
        }
        params
    }
}

/// `alerts/KubePodCrashLooping.html`.
pub fn alert_page(alert: &str) -> String {
    format!("alerts/{alert}.html")
}

/// `api/increased-latency.html`.
fn mode_page(runbook: &CompiledRunbook, mode: &FailureMode) -> String {
    format!("{}/{}.html", runbook.id, mode.id.value)
}
