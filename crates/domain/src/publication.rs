//! PUB-1: what the public service page must carry before it is published.

use serde::{Deserialize, Serialize};

use crate::policy::PolicyProblem;

/// PUB-1's fixed content (the `publication` policy area).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Issue 18: why a publication policy cannot stand: the hotline is a telephone number, 3 to 20
/// digits with optional hyphens between them.
pub fn publication_policy_problems(policy: &PublicationPolicy) -> Vec<PolicyProblem> {
    let number = policy.service_hotline.as_str();
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let shaped = number.chars().all(|c| c.is_ascii_digit() || c == '-')
        && !number.starts_with('-')
        && !number.ends_with('-')
        && !number.contains("--");
    if shaped && (3..=20).contains(&digits) {
        Vec::new()
    } else {
        vec![PolicyProblem::new(
            "service_hotline",
            "must be a telephone number: 3 to 20 digits, hyphens only between them",
        )]
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
    fn a_hotline_is_a_telephone_number() {
        let with = |number: &str| PublicationPolicy {
            service_hotline: number.into(),
        };
        for good in ["96766", "0311-12345", "110"] {
            assert!(
                publication_policy_problems(&with(good)).is_empty(),
                "{good}"
            );
        }
        for bad in [
            "",
            "12",
            "9676a",
            "-96766",
            "96766-",
            "0311--1",
            "123456789012345678901",
        ] {
            assert_eq!(
                publication_policy_problems(&with(bad))[0].field,
                "service_hotline",
                "{bad}"
            );
        }
    }

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
