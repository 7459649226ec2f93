//! PUB-1: what the public service page must carry before it is published.

/// PUB-1's fixed content, a policy default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationPolicy {
    /// The service hotline every published page lists.
    pub service_hotline: String,
}

impl Default for PublicationPolicy {
    fn default() -> Self {
        PublicationPolicy {
            service_hotline: "96766".into(),
        }
    }
}

/// PUB-1: the page lists the company hotline among its `hotlines` numbers.
pub fn lists_service_hotline<'a>(
    mut hotlines: impl Iterator<Item = &'a str>,
    policy: &PublicationPolicy,
) -> bool {
    hotlines.any(|number| number.trim() == policy.service_hotline)
}

/// PUB-1: the service star must be one of the published staff, so that only a published
/// name, job number and photo are shown for them.
pub fn star_is_published<'a>(
    star: &str,
    mut published_staff: impl Iterator<Item = &'a str>,
) -> bool {
    published_staff.any(|employee| employee == star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pub_1_the_96766_hotline_is_listed() {
        let policy = PublicationPolicy::default();
        assert!(lists_service_hotline(
            ["0871-1234", " 96766 "].into_iter(),
            &policy
        ));
        assert!(!lists_service_hotline(["0871-1234"].into_iter(), &policy));
        assert!(!lists_service_hotline(["967660"].into_iter(), &policy));
    }

    #[test]
    fn pub_1_the_star_is_among_the_published_staff() {
        assert!(star_is_published("e2", ["e1", "e2"].into_iter()));
        assert!(!star_is_published("e3", ["e1", "e2"].into_iter()));
    }
}
