//! Where a `runbook_url` leads, seen from the book's `site_url`: to one of its pages (named
//! relative to the site), or elsewhere. The query string and fragment are set aside, because
//! Alertmanager templates fill them (`?namespace={{ $labels.namespace }}`).

use url::Url;

use crate::model::Config;
use crate::source::Pos;

/// `site_url`, parsed once.
pub struct Site {
    url: Url,
}

/// Why `opsbook.yaml` gives no site: where (the value, or the whole file when it is missing)
/// and what to say.
pub struct NoSite {
    pub pos: Pos,
    pub message: String,
}

pub const SET_SITE: &str = "set `site_url:` in opsbook.yaml to the address the book is published at (`site_url: https://runbooks.example.com/`)";

impl Site {
    /// The book's address from `opsbook.yaml`.
    pub fn of(config: &Config) -> Result<Site, NoSite> {
        match (&config.site_url, config.site_url()) {
            (Some(written), Some(url)) => Site::parse(&url).ok_or_else(|| NoSite {
                pos: written.pos,
                message: format!(
                    "`site_url` `{}` in opsbook.yaml is not an http or https address",
                    written.value
                ),
            }),
            _ => Err(NoSite {
                pos: Pos::UNKNOWN,
                message: "opsbook.yaml has no `site_url`".to_owned(),
            }),
        }
    }

    /// `None` unless `site_url` is an absolute http(s) URL.
    pub fn parse(site_url: &str) -> Option<Site> {
        let url = Url::parse(site_url).ok()?;
        matches!(url.scheme(), "http" | "https").then_some(Site { url })
    }

    /// The site's address, ending in `/`.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Leads {
    /// A page below the site, named relative to it (`alerts/X.html`); it may not exist.
    Page(String),
    /// Not below the site (another host, another path, not a URL).
    Elsewhere,
    /// The path itself is a template (`{{ $labels.alertname }}`): only Alertmanager knows.
    Templated,
}

/// Where `runbook_url` leads.
pub fn leads(site: &Site, runbook_url: &str) -> Leads {
    let address = runbook_url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim();
    if address.contains("{{") {
        return Leads::Templated;
    }
    let Ok(url) = Url::parse(address) else {
        return Leads::Elsewhere;
    };
    let same_origin = url.scheme() == site.url.scheme()
        && url.host_str() == site.url.host_str()
        && url.port_or_known_default() == site.url.port_or_known_default();
    let Some(rest) = url
        .path()
        .strip_prefix(site.url.path())
        .filter(|_| same_origin)
    else {
        return Leads::Elsewhere;
    };
    let mut page = percent_encoding::percent_decode_str(rest)
        .decode_utf8_lossy()
        .into_owned();
    if page.is_empty() || page.ends_with('/') {
        page.push_str("index.html");
    }
    Leads::Page(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str) -> Leads {
        let site = Site::parse("https://runbooks.example.com/book/").expect("a site");
        leads(&site, url)
    }

    fn page(p: &str) -> Leads {
        Leads::Page(p.to_owned())
    }

    #[test]
    fn pages_below_the_site() {
        assert_eq!(
            at("https://runbooks.example.com/book/alerts/X.html"),
            page("alerts/X.html")
        );
        assert_eq!(
            at(
                "https://RUNBOOKS.example.com:443/book/api/slow.html?namespace={{ $labels.namespace }}#top"
            ),
            page("api/slow.html")
        );
        assert_eq!(at("https://runbooks.example.com/book/"), page("index.html"));
        assert_eq!(
            at("https://runbooks.example.com/book/api/"),
            page("api/index.html")
        );
        assert_eq!(
            at("https://runbooks.example.com/book/a%20b.html"),
            page("a b.html")
        );
    }

    #[test]
    fn anything_else_is_elsewhere() {
        for url in [
            "https://wiki.example.com/book/alerts/X.html",
            "http://runbooks.example.com/book/alerts/X.html",
            "https://runbooks.example.com/other/X.html",
            "https://runbooks.example.com:8443/book/X.html",
            "see the wiki",
        ] {
            assert_eq!(at(url), Leads::Elsewhere, "{url}");
        }
    }

    #[test]
    fn a_templated_path_cannot_be_judged() {
        let url = "https://runbooks.example.com/book/alerts/{{ $labels.alertname }}.html";
        assert_eq!(at(url), Leads::Templated);
    }

    #[test]
    fn only_web_addresses_are_sites() {
        assert!(Site::parse("runbooks.example.com").is_none());
        assert!(Site::parse("file:///book/").is_none());
    }
}
